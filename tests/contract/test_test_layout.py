"""The tests' own layout: helpers several test modules share live in conftest.py or support modules, never in a
test module another one imports (importing a test module runs it twice under some import modes, re-collects its
fixtures, and hides which helper belongs to which test)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    """The dotted name a file under tests/ is imported as (tests/ and its folders are packages; a package's
    __init__ keeps its name, so that relative imports resolve against the package itself)."""
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)


def is_test_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1].startswith("test_")


def imported_modules(source: str, importer: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every module the source imports, at any depth: `import a.b`, `from a.b import c`
    (a.b, and a.b.c for a module c), relative imports resolved against `importer`, and the string named by
    importlib.import_module / __import__ or listed in pytest_plugins."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = importer.split(".")[: -node.level]
                base = ".".join([*package, *([base] if base else [])])
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}".lstrip(".")) for alias in node.names]
        elif isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
                found.append((node.lineno, str(node.args[0].value)))
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytest_plugins" for t in node.targets):
            strings = [c for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            found += [(node.lineno, str(c.value)) for c in strings]
    return found


def imports_of_test_modules(source: str, importer: str) -> list[str]:
    return [f"line {line}: {name}" for line, name in imported_modules(source, importer) if is_test_module(name)]


def test_no_file_under_tests_imports_a_test_module():
    offenders = {}
    for path in sorted(TESTS.rglob("*.py")):
        found = imports_of_test_modules(path.read_text(), module_name(path))
        if found:
            offenders[str(path.relative_to(TESTS.parent))] = found
    assert offenders == {}, "move the helpers into a conftest.py or a support module (tests/integration/support)"


def test_every_form_of_importing_a_test_module_is_found():
    importer = "tests.integration.test_b"
    forms = [
        "from tests.integration.test_a import helper",
        "import tests.integration.test_a",
        "from tests.integration import test_a",
        "from .test_a import helper",
        "from . import test_a",
        "from ..contract.test_template import TEMPLATE",
        "def f():\n    from tests.integration.test_a import helper",
        "importlib.import_module('tests.integration.test_a')",
        "pytest_plugins = ['tests.integration.test_a']",
    ]
    for source in forms:
        assert imports_of_test_modules(source, importer), source
    allowed = [
        "from tests.integration.support.campaigns import campaign",
        "from tests.integration.conftest import Api",
        "from . import conftest",
        "import pytest",
        "from clarion.store import keys",
    ]
    for source in allowed:
        assert imports_of_test_modules(source, importer) == [], source
