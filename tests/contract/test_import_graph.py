"""The layer's packages import each other in one direction (docs/architecture.md, "Package graph").

The graph is built from the source with `ast`: a module-level import and a function-local one count alike, so a
local import cannot hide a cycle. A node is a package of clarion (`clarion.engine.fanout` is `engine`) or a
top-level module (`clarion.dynamo` is `dynamo`).
"""

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT

CLARION = ROOT / "layers/core/clarion"
STORE = "store"
# the delivery pipeline: it never calls back the packages that feed it
PIPELINE = frozenset({"engine", "delivery", "integrations", "preferences"})
FEEDERS = frozenset({"campaigns", "schedules", "journeys", "layouts"})

Edges = dict[str, dict[str, list[str]]]


def node_of(module: str) -> str:
    """`clarion.engine.fanout` → `engine`; `clarion.dynamo` → `dynamo`; `clarion` itself → `clarion`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module_name(path: Path) -> str:
    parts = path.relative_to(CLARION.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: resolved against the importing module's package
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
    if base == "clarion":  # `from clarion import clock`: each name is a module
        return [f"clarion.{alias.name}" for alias in node.names]
    return [base]


def package_graph() -> Edges:
    """{package: {imported package: ["module:line", ...]}} of every import between two nodes of clarion."""
    edges: Edges = defaultdict(lambda: defaultdict(list))
    for path in sorted(CLARION.rglob("*.py")):
        module = _module_name(path)
        source = node_of(module)
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(node, module, path.name == "__init__.py"):
                if name.startswith("clarion.") and node_of(name) != source:
                    edges[source][node_of(name)].append(f"{module}:{node.lineno}")
    return edges


def cycles(edges: Edges) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def _describe(edges: Edges, component: list[str]) -> str:
    return "\n".join(
        f"  {source} -> {target}: {', '.join(where)}"
        for source in component
        for target, where in sorted(edges[source].items())
        if target in component
    )


def domain_packages() -> set[str]:
    return {path.parent.name for path in CLARION.glob("*/__init__.py")} - {STORE}


def test_the_package_graph_has_no_cycle() -> None:
    edges = package_graph()
    found = cycles(edges)
    assert not found, "package import cycles:\n" + "\n\n".join(_describe(edges, c) for c in found)


def test_a_cycle_is_found() -> None:
    edges: Edges = {"a": {"b": ["clarion.a.x:1"]}, "b": {"c": ["clarion.b.y:2"]}, "c": {"a": ["clarion.c.z:3"]}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_a_function_local_import_counts() -> None:
    assert "engine" in package_graph()["journeys"]  # journeys.tasks imports the engine inside `send`


def test_the_store_imports_no_domain_package() -> None:
    imported = {target: where for target, where in package_graph()[STORE].items() if target in domain_packages()}
    assert not imported, f"clarion.store imports domain packages: {imported}"


def test_the_pipeline_never_imports_the_packages_that_feed_it() -> None:
    edges = package_graph()
    back = {
        f"{source} -> {target}": where
        for source in PIPELINE
        for target, where in edges[source].items()
        if target in FEEDERS
    }
    assert not back, f"the delivery pipeline calls back: {back}"
