"""Every DynamoDB key is spelled in clarion.store.keys and nowhere else.

The key tokens (`ENV#`, `#SUB#`, `CLIENT#`, `PROFILE`...) are read from keys.py itself, so a key added there is
guarded at once. Docstrings may describe keys; code may not build them.
"""

import ast
import re
from collections.abc import Iterator

from tests.conftest import ROOT

KEYS_MODULE = ROOT / "layers/core/clarion/store/keys.py"
STORE = ROOT / "layers/core/clarion/store"
# the application's code and the benchmarks, checked for every key; the local runtime only for `#`-joined segments
# (its CLI has a KEY)
APPLICATION = (ROOT / "layers/core", ROOT / "functions", ROOT / "bench")
LOCAL_RUNTIME = ROOT / "local"
# a key segment: an upper-case word ending in `#` (`ENV#`, `#SUB#`) or following one (`#INBOX`)
_SEGMENT = re.compile(r"#?[A-Z][A-Z_]+#|#[A-Z][A-Z_]+")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring constants: of modules, classes, functions, and of module-level attributes."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for index, statement in enumerate(body):
            is_text = isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            if is_text and (index == 0 or isinstance(body[index - 1], ast.Assign | ast.AnnAssign)):
                found.add(id(statement.value))
    return found


def string_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant of the code that is not a docstring, f-strings' literal parts included."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def key_tokens() -> tuple[set[str], set[str]]:
    """(segments, whole keys) spelled in keys.py: `#`-joined segments, and the constant keys without a `#`."""
    segments: set[str] = set()
    whole: set[str] = set()
    tree = ast.parse(KEYS_MODULE.read_text())
    for node in tree.body:
        value = node.value.value if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) else None
        if isinstance(value, str) and "#" not in value:
            whole.add(value)
    for _, text in string_literals(KEYS_MODULE.read_text()):
        segments.update(_SEGMENT.findall(text))
    return segments, whole


def key_literals(source: str, *, whole_keys: bool = True) -> list[tuple[int, str]]:
    segments, whole = key_tokens()
    whole = whole if whole_keys else set()
    return [
        (line, text)
        for line, text in string_literals(source)
        if text in whole or any(segment in text for segment in segments)
    ]


def test_keys_module_spells_the_tables_keys() -> None:
    segments, whole = key_tokens()
    assert {"ENV#", "#SUB#", "#MSG#", "#TX#", "CLIENT#", "CAMPAIGN#", "RUN#", "#INBOX"} <= segments
    assert {"ORG", "PROFILE", "MESSAGE", "NOTIFICATION", "TOPIC", "LAYOUT_DEFAULT"} <= whole


def test_a_key_literal_outside_the_store_is_found() -> None:
    source = '''
"""Docstrings may say ENV#<env>#SUB#<id>."""

def record(environment_id, message_id):
    return {"pk": f"ENV#{environment_id}#MSG#{message_id}", "sk": "MESSAGE"}
'''
    assert [line for line, _ in key_literals(source)] == [5, 5, 5]


def test_no_key_literal_outside_the_store() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for root in (*APPLICATION, LOCAL_RUNTIME)
        for path in sorted(root.rglob("*.py"))
        if STORE not in path.parents and ".venv" not in path.parts
        for line, text in key_literals(path.read_text(), whole_keys=root in APPLICATION)
    ]
    assert not found, "key literals outside clarion/store/keys.py:\n" + "\n".join(found)
