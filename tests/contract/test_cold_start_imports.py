"""Cold start (docs/architecture.md, "Package graph"; docs/benchmarks.md, "Cold start"): module-level imports are the
norm, and each function-local import in the layer or a function is one a measurement justified, listed in
docs/architecture.md; a handler does not load at import the packages only some of its routes or kinds need."""

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.contract.support.imports import modules_loaded_by

ARCHITECTURE = ROOT / "docs/architecture.md"
SECTION_START = "The function-local imports left between packages are there for cold start only"
SECTION_END = "**Typed entities.**"


def _dotted(path: Path) -> str:
    """`layers/core/clarion/otp/service.py` -> `otp.service`; `functions/campaigns/schedule_routes.py` ->
    `campaigns.schedule_routes` (as docs/architecture.md names them)."""
    base = ROOT / "layers/core/clarion" if path.is_relative_to(ROOT / "layers/core/clarion") else ROOT / "functions"
    return ".".join(path.relative_to(base).with_suffix("").parts)


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def function_local_imports() -> dict[str, list[str]]:
    """{module: ["imported (line)", ...]} of every import inside a function of the layer or a function's code."""
    found: dict[str, list[str]] = {}
    paths = [*(ROOT / "layers/core/clarion").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    for path in sorted(paths):
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    found.setdefault(_dotted(path), []).append(f"{names} (line {node.lineno})")
    return found


def listed_text() -> str:
    text = ARCHITECTURE.read_text()
    return text[text.index(SECTION_START) : text.index(SECTION_END)]


def is_listed(module: str, listed: str) -> bool:
    """The module is named (`otp.service`, or one of its functions: `otp.service.send`), or its package is
    (`verifier`)."""
    parts = module.split(".")
    parents = [".".join(parts[:n]) for n in range(1, len(parts))]
    return bool(re.search(rf"`{re.escape(module)}[`.]", listed)) or any(f"`{parent}`" in listed for parent in parents)


def test_each_function_local_import_is_listed_with_its_reason():
    listed = listed_text()
    unlisted = {
        module: imports for module, imports in function_local_imports().items() if not is_listed(module, listed)
    }
    assert not unlisted, f"function-local imports not listed in docs/architecture.md: {unlisted}"


def test_a_listed_module_still_has_a_function_local_import():
    named = set(re.findall(r"^\| `([\w.]+)`", listed_text(), flags=re.MULTILINE))
    modules = set(function_local_imports())
    stale = {name for name in named if not any(name == module or name.startswith(module + ".") for module in modules)}
    assert not stale, f"docs/architecture.md lists function-local imports that are gone: {stale}"


def test_the_type_checking_blocks_are_not_counted():
    assert not _type_checking_block(ast.parse("x = 1").body[0])
    assert _type_checking_block(ast.parse("if TYPE_CHECKING:\n    import os").body[0])


@pytest.mark.parametrize(
    ("module", "not_loaded"),
    [
        # the trigger engine, the schedules' and the journey runs' services load with the routes that use them
        (
            "campaigns.handler",
            [
                "clarion.engine.triggers",
                "clarion.schedules.service",
                "clarion.engine.dispatch_jobs",
                "clarion.journeys.service",
                "clarion.journeys.machines",
            ],
        ),
        # the other trigger models: the operations' models need only the trigger's user and answer (engine.wire)
        ("campaigns.handler", ["clarion.tenants.models"]),
        # the Novu workflows, their groups and changes are the workflows function's; the preview needs only the
        # subscriber's fields, a campaign's purpose and change kind no models
        (
            "campaigns.handler",
            [
                "clarion.campaigns.workflow_models",
                "clarion.templates.handlebars",
                "clarion.workflow_groups.models",
                "clarion.subscribers.models",
                "clarion.changes.models",
                "clarion.subscriptions.models",
            ],
        ),
        # a workflow is a campaign, not its operations, schedules or journey runs
        (
            "workflows.handler",
            [
                "clarion.journeys.models",
                "clarion.campaigns.operation_models",
                "clarion.schedules.models",
                "clarion.journeys.service",
                "clarion.engine.triggers",
                "clarion.subscriptions.models",
            ],
        ),
        # an event resumes the runs waiting for it without their journeys' definitions or state machines; a hit is
        # counted without the analytics' report models, and a report is read without the hits' models
        ("hits.handler", ["clarion.journeys.service", "clarion.journeys.step_models", "clarion.analytics.models"]),
        ("activity.handler", ["clarion.analytics.hit_models"]),
        # each task kind's packages load with its first chunk
        ("tasks.worker", ["clarion.imports.importer", "clarion.imports.exporter", "clarion.verifier.lists"]),
        # the audience's own models: the subscribers', devices' and actions' models need only their names
        ("subscribers.handler", ["clarion.audience.models"]),
        # a message's open or click is counted by the actions' service, which the feed's other routes never need
        ("subscribers.handler", ["clarion.actions.service"]),
        ("widgets.handler", ["clarion.actions.service"]),
        ("devices.handler", ["clarion.audience.models"]),
        ("dispatcher.handler", ["clarion.audience.models", "clarion.journeys.models", "clarion.lists.models"]),
        # the trigger models and the subscribers' service: only an execute target naming a user upserts it
        ("dispatcher.handler", ["clarion.engine.models", "clarion.engine.triggers", "clarion.subscribers.service"]),
        # a segment's rules load with a segment send's first page
        ("dispatcher.handler", ["clarion.segments.members", "clarion.segments.rules"]),
        # a journey's state machines load with a journey's jobs; the send checks suppressions without their models
        (
            "dispatcher.handler",
            ["clarion.journeys.machines", "clarion.suppressions.service", "clarion.suppressions.models"],
        ),
        ("layouts.handler", ["clarion.engine.triggers", "clarion.engine.models"]),
    ],
)
def test_a_handler_does_not_load_what_only_some_routes_need(module: str, not_loaded: list[str]):
    loaded = modules_loaded_by(module, f"sorted(m for m in {not_loaded!r} if m in sys.modules)")
    assert loaded == "[]"


# The frozen dataclasses kept (docs/architecture.md, "Value records"): every other immutable record is a NamedTuple.
FROZEN_DATACLASSES_KEPT = {
    "analytics.periods.Range",  # its `cached_property`s need an instance __dict__
    "tenants.repository.CountedList",  # its `count` method would override tuple.count
}


def _is_frozen_dataclass(decorator: ast.expr) -> bool:
    """`@dataclass(frozen=True)` or `@dataclasses.dataclass(frozen=True)`."""
    if not isinstance(decorator, ast.Call) or ast.unparse(decorator.func) not in ("dataclass", "dataclasses.dataclass"):
        return False
    return any(k.arg == "frozen" and isinstance(k.value, ast.Constant) and k.value.value for k in decorator.keywords)


def frozen_dataclasses() -> set[str]:
    """`module.Class` of every `@dataclass(frozen=True)` class in the layer and the functions' code."""
    found = set()
    paths = [*(ROOT / "layers/core/clarion").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(_is_frozen_dataclass(d) for d in node.decorator_list):
                found.add(f"{_dotted(path)}.{node.name}")
    return found


def test_value_records_are_named_tuples_not_frozen_dataclasses():
    """A frozen dataclass costs ~0.7 ms of CPU to create on Python 3.11, a NamedTuple ~0.1 ms."""
    assert frozen_dataclasses() - FROZEN_DATACLASSES_KEPT == set(), "make these typing.NamedTuples (or list them)"


def test_each_frozen_dataclass_kept_still_exists_and_is_documented():
    text = ARCHITECTURE.read_text()
    assert frozen_dataclasses() >= FROZEN_DATACLASSES_KEPT, "a class kept is gone: drop it from the list"
    assert all(f"`{name}`" in text for name in FROZEN_DATACLASSES_KEPT)


@pytest.mark.parametrize(
    ("source", "frozen"),
    [
        ("@dataclass(frozen=True)\nclass A: ...", True),
        ("@dataclasses.dataclass(frozen=True)\nclass A: ...", True),
        ("@dataclass\nclass A: ...", False),
        ("@dataclass(frozen=False)\nclass A: ...", False),
    ],
)
def test_a_frozen_dataclass_is_told_by_its_decorator(source: str, frozen: bool):
    (cls,) = ast.parse(source).body
    assert isinstance(cls, ast.ClassDef)
    assert any(_is_frozen_dataclass(d) for d in cls.decorator_list) is frozen
