"""The Jinja2 side of templates, apart from render.py so that only rendering and template validation load jinja2
(~100 ms of cold start): an immutable sandbox that reaches only the variables given, never Python internals or files.

Output follows Novu's Handlebars: a missing or null value (also under a missing parent, `payload.a.b`) renders as
empty text, never "None", and a boolean as `true` / `false`.
"""

from functools import cache, lru_cache
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError


class _Sandbox(ImmutableSandboxedEnvironment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        # a key wins over a dict method of the same name: Novu's `payload.items` is the order's items, not dict.items
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        # Jinja's default renders a refused attribute as empty text: refusing is a failure the sender must see
        raise SecurityError(f"access to attribute {attribute!r} of a {type(obj).__name__!r} object is refused")


def handlebars_text(value: Any) -> Any:
    """What `{{ value }}` prints, as Handlebars prints it: null and missing as nothing, booleans in lower case."""
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@cache
def _environment(*, html: bool) -> _Sandbox:
    # autoescape only where the output is HTML (an email body); text, sms, push and chat are sent as typed;
    # ChainableUndefined lets `payload.a.b` render empty when `a` is missing, as Handlebars does
    return _Sandbox(undefined=ChainableUndefined, finalize=handlebars_text, autoescape=html, loader=None, extensions=())


@lru_cache(maxsize=256)
def compiled(source: str, *, html: bool) -> Template:
    return _environment(html=html).from_string(source)


def syntax_problem(source: str) -> str | None:
    """What is wrong with a template's text, with its line, or None: syntax, loading other templates, or
    reaching for names starting with '_'."""
    try:
        tree = _environment(html=False).parse(source)
    except TemplateSyntaxError as error:
        return f"{error.message} at line {error.lineno}"
    for loader in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        return f"line {loader.lineno}: a template cannot load other templates"
    for access in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        name = _accessed_name(access)
        if name is not None and name.startswith("_"):
            return f"'{name}' at line {access.lineno}: names starting with '_' are not available in templates"
    return None


def _accessed_name(node: nodes.Node) -> str | None:
    """The attribute a node reads: `x.name`, `x['name']` or `x|attr('name')`."""
    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    if isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
        argument = node.args[0]
        return argument.value if isinstance(argument, nodes.Const) and isinstance(argument.value, str) else None
    return None


PAYLOAD_ROOTS = ("payload", "event")


@lru_cache(maxsize=256)
def payload_paths(source: str) -> tuple[str, ...]:
    """The payload fields a template reads, as dotted paths (`{{ payload.order.id }}` → `order.id`), in order of
    first use; none for a template that does not parse. Cached: the activity feed asks for each notification's."""
    try:
        tree = _environment(html=False).parse(source)
    except TemplateSyntaxError:
        return ()
    paths: dict[str, None] = {}
    _collect_paths(tree, paths)
    return tuple(paths)


def _collect_paths(node: nodes.Node, paths: dict[str, None]) -> None:
    path = _payload_path(node)
    if path:
        paths.setdefault(".".join(path), None)
        return
    for child in node.iter_child_nodes():
        _collect_paths(child, paths)


def _payload_path(node: nodes.Node) -> list[str] | None:
    """`payload.a.b` (or `payload['a'].b`) as ["a", "b"]; None for any other expression."""
    names: list[str] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        name = _accessed_name(node)
        if name is None:
            return None
        names.append(name)
        node = node.node
    if isinstance(node, nodes.Name) and node.name in PAYLOAD_ROOTS and names:
        return names[::-1]
    return None
