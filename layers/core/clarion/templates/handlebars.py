"""Novu's Handlebars, translated into Clarion's sandboxed Jinja when a workflow is saved (docs/architecture.md).

The subset Novu documents: `{{path}}` (HTML-escaped where the output is HTML), `{{{path}}}` and `{{&path}}` (raw),
dotted paths (`a.b`, `a/b`, `this`, `./`, `../`, `@root`), `#if`, `#unless`, `#each` (`@index`, `@first`, `@last`,
`@key`), `#with`, `{{else}}` and `{{else if x}}`, comments, `~` whitespace control, standalone block lines and `\\{{`;
and Novu's own helpers `#equals`, `uppercase`, `lowercase` and `titlecase`.
A bare name is a payload field unless it is one of Novu's roots (`subscriber`, `actor`, `step`, `tenant`, `payload`).
Anything else (other helpers, partials, subexpressions, a string where a path belongs) is a HandlebarsRefused naming
it and its line, never sent as text.

The output reads only `payload`, the roots and names it makes itself (`hb_*`); the text between tags is emitted as
Jinja data that nothing in it can open a Jinja tag from, so Jinja-looking text in a Novu template stays text.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from clarion.templates.render import MAX_SOURCE_CHARS

ROOTS = frozenset({"subscriber", "actor", "step", "tenant", "payload"})
BLOCKS = ("if", "unless", "each", "with", "equals")
INLINE_HELPERS = {
    "uppercase": "{0}|upper",
    "lowercase": "{0}|lower",
    "titlecase": "{0}.split(' ')|map('capitalize')|join(' ')",
}
"""Novu's string helpers (`{{uppercase name}}`): JavaScript's toUpperCase, toLowerCase, and each space-separated
word's first letter upper, the rest lower. A value that is not a string prints as it is."""
_ARGUMENT = re.compile(r"\"[^\"\\]*\"|'[^'\\]*'|[^\s\"']+")
_LITERALS = {"true": "true", "false": "false", "null": "none", "undefined": "none"}
DATA_VARIABLES = {"index": "loop.index0", "first": "loop.first", "last": "loop.last"}
_SEGMENT = re.compile(r"[^\s!\"#%&'()*+,./;<=>@\[\\\]^`{|}~]+")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_METHODS = frozenset(n for kind in (dict, list, str, int, float, Decimal) for n in dir(kind) if not n.startswith("_"))
"""Segments a Jinja lookup could answer with a Python method when the key is missing: looked up as keys only."""
_CLOSE = {"short": re.compile(r"(~?)\}\}"), "long": re.compile(r"--(~?)\}\}"), "triple": re.compile(r"\}(~?)\}\}")}
_STANDALONE = ("open", "close", "else", "comment")
MAX_MESSAGE_CHARS = 300
MAX_EXPRESSION_CHARS = 1000
"""A path's Jinja grows with each key that is also a method name (`a.keys.keys...`): bounded, so is translating it."""


class HandlebarsRefused(ValueError):
    """A template that uses what Clarion does not translate, or that does not parse; the message says which (cut
    short: it quotes the template, which may be long)."""

    def __init__(self, message: str) -> None:
        super().__init__(message if len(message) <= MAX_MESSAGE_CHARS else message[: MAX_MESSAGE_CHARS - 1] + "…")


@dataclass
class _Tag:
    kind: str  # var, raw, open, close, else, comment
    body: str
    line: int
    strip_before: bool = False
    strip_after: bool = False


class _Context(NamedTuple):
    expression: str
    root: bool = False
    key: str | None = None  # #each's key variable


@dataclass
class _Frame:
    helper: str
    line: int
    chained: bool
    context: _Context | None = None
    has_else: bool = False


@dataclass
class _Translation:
    out: list[str] = field(default_factory=list)
    frames: list[_Frame] = field(default_factory=list)
    contexts: list[_Context] = field(default_factory=lambda: [_Context("payload", root=True)])
    count: int = 0
    size: int = 0

    def emit(self, piece: str) -> None:
        self.size += len(piece)
        if self.size > MAX_SOURCE_CHARS:  # what a campaign could not store: refused before it grows further
            raise HandlebarsRefused(f"its Jinja translation is longer than {MAX_SOURCE_CHARS} characters")
        self.out.append(piece)


@lru_cache(maxsize=512)
def translate(source: str) -> str:
    """The Jinja template that renders as Novu renders `source`; raises HandlebarsRefused."""
    state = _Translation()
    texts, tags = _tokens(source)
    _control_whitespace(texts, tags)
    for text, tag in zip(texts, tags, strict=False):
        state.emit(_data(text))
        try:
            _tag(state, tag)
        except HandlebarsRefused as refused:
            raise HandlebarsRefused(f"line {tag.line}: {refused}") from None
    state.emit(_data(texts[-1]))
    if state.frames:
        frame = state.frames[-1]
        raise HandlebarsRefused(f"line {frame.line}: {{{{#{frame.helper}}}}} is never closed")
    translation = "".join(state.out)
    return translation + "\n" if translation.endswith("\n") else translation  # Jinja drops one trailing newline


def _tokens(source: str) -> tuple[list[str], list[_Tag]]:
    """The text around the mustaches (one more text than tags: tag i is between text i and text i + 1)."""
    texts: list[str] = []
    tags: list[_Tag] = []
    text: list[str] = []
    position = scanned = 0
    line = 1
    while (start := source.find("{{", position)) >= 0:
        escaped = source[start - 1 : start] == "\\" and source[start - 2 : start] != "\\\\"
        text.append(source[position : start - 1 if start and source[start - 1] == "\\" else start])
        if escaped:  # `\{{` is text up to the next mustache; `\\{{` a backslash, then a mustache
            text.append("{{")
            position = start + 2
            continue
        texts.append("".join(text))
        text = []
        line, scanned = line + source.count("\n", scanned, start), start
        tag, position = _mustache(source, start, line)
        tags.append(tag)
    texts.append("".join(text) + source[position:])
    return texts, tags


def _mustache(source: str, start: int, line: int) -> tuple[_Tag, int]:
    if source.startswith("{{{{", start):
        raise HandlebarsRefused(f"line {line}: raw blocks ({{{{{{{{ }}}}}}}}) are not supported")
    at = start + 2
    strip_before = source.startswith("~", at)
    at += strip_before
    if source.startswith("!--", at):
        kind, closer = "comment", _CLOSE["long"]
    elif source.startswith("!", at):
        kind, closer = "comment", _CLOSE["short"]
    elif source.startswith("{", at):
        kind, closer, at = "raw", _CLOSE["triple"], at + 1
    else:
        kind, closer = "var", _CLOSE["short"]
    end = closer.search(source, at)
    if end is None:
        raise HandlebarsRefused(f"line {line}: a '{{{{' is never closed")
    body = source[at : end.start()].strip()
    tag = _Tag(_kind(kind, body, line), body, line, strip_before, bool(end.group(1)))
    if tag.kind in ("open", "close", "raw") and kind != "raw":
        tag.body = body[1:].strip()
    elif tag.kind == "else":
        tag.body = body[4:].strip() if body.startswith("else") else ""
    return tag, end.end()


def _kind(kind: str, body: str, line: int) -> str:
    if kind != "var":
        return kind
    first = body[:1]
    refused = {">": "partials", "*": "decorators", "^": "inverse sections (use {{#unless}})"}
    if body.startswith(("#>", "#*")):
        raise HandlebarsRefused(f"line {line}: {refused[body[1]]} ({{{{{body}}}}}) are not supported")
    if body == "^":
        return "else"
    if first in refused:
        raise HandlebarsRefused(f"line {line}: {refused[first]} ({{{{{body}}}}}) are not supported")
    if body == "else" or body.startswith(("else ", "else\t", "else\n")):
        return "else"
    return {"#": "open", "/": "close", "&": "raw"}.get(first, "var")


def _control_whitespace(texts: list[str], tags: list[_Tag]) -> None:
    """Handlebars' whitespace rules: a block tag alone on its line takes the line with it; `~` strips the
    whitespace on its side. Standalone lines are decided on the text as written, then stripped."""
    standalone = [index for index, tag in enumerate(tags) if _is_standalone(texts, tags, index)]
    for index in standalone:
        texts[index] = texts[index].rstrip(" \t")
        texts[index + 1] = re.sub(r"\A[ \t]*(\r?\n|\Z)", "", texts[index + 1])
    for index, tag in enumerate(tags):
        if tag.strip_before:
            texts[index] = texts[index].rstrip()
        if tag.strip_after:
            texts[index + 1] = texts[index + 1].lstrip()


def _is_standalone(texts: list[str], tags: list[_Tag], index: int) -> bool:
    if tags[index].kind not in _STANDALONE:
        return False
    before, after = texts[index], texts[index + 1]
    line_start = re.search(r"\n[ \t]*\Z", before) or (index == 0 and re.fullmatch(r"[ \t]*", before))
    line_end = re.match(r"[ \t]*\r?\n", after) or (index + 1 == len(tags) and not after.strip(" \t"))
    return bool(line_start and line_end)


def _data(text: str) -> str:
    """Text as Jinja data: no `{` or `}` of it can open or close a Jinja tag."""
    if "{" not in text and "}" not in text:
        return text
    if "endraw" not in text:
        return "{% raw %}" + text + "{% endraw %}"
    return re.sub(r"[{}]", lambda brace: "{{ '" + brace.group() + "' }}", text)


def _tag(state: _Translation, tag: _Tag) -> None:
    if tag.kind == "comment":
        return
    if tag.kind in ("var", "raw"):
        expression = _printed(state, tag.body)
        shown = f"{expression}|safe if {expression} is string else {expression}" if tag.kind == "raw" else expression
        state.emit("{{ " + shown + " }}")
    elif tag.kind == "open":
        _open(state, tag, chained=False)
    elif tag.kind == "else":
        _else(state, tag)
    else:
        _close(state, tag)


def _printed(state: _Translation, body: str) -> str:
    """What a mustache prints: a path, or one of Novu's string helpers on a path; any other helper call (and
    subexpressions, hash arguments) is refused."""
    words = body.split()
    if not words:
        raise HandlebarsRefused("an empty {{}}")
    helper = words[0].split("(")[0]
    if len(words) == 2 and helper in INLINE_HELPERS and "(" not in body and "=" not in body:
        value = _expression(state, words[1])
        return f"({INLINE_HELPERS[helper].format(value)} if {value} is string else {value})"
    if helper in INLINE_HELPERS:
        raise HandlebarsRefused(f"{{{{{helper}}}}} takes exactly one variable")
    if len(words) > 1 or "(" in body or "=" in body:
        what = "subexpressions" if body.startswith("(") else f"helper '{helper}'"
        raise HandlebarsRefused(f"{what} is not supported")
    return _expression(state, words[0])


def _argument(state: _Translation, word: str) -> str:
    """A helper's argument: a string without backslashes (as Jinja reads it), a number, true/false/null, or a path."""
    if word[:1] in ("'", '"'):
        return word
    if re.fullmatch(r"-?\d+(\.\d+)?", word):
        return str(float(word)) if "." in word else str(int(word))  # Jinja reads no leading zeros
    return _LITERALS.get(word) or _expression(state, word)


def _open(state: _Translation, tag: _Tag, *, chained: bool) -> None:
    words = _ARGUMENT.findall(tag.body)
    if _ARGUMENT.sub("", tag.body).strip():  # an unclosed quote, or a string with a backslash
        raise HandlebarsRefused(f"{{{{#{tag.body}}}}}: a string is not closed, or holds a backslash")
    helper = words[0] if words else ""
    unquoted = "".join(word for word in words if word[:1] not in ("'", '"'))
    if helper not in BLOCKS:
        raise HandlebarsRefused(f"helper '#{helper}' is not supported")
    if helper == "equals":
        _open_equals(state, tag, words[1:], calls="(" in unquoted or "=" in unquoted, chained=chained)
        return
    if len(words) != 2 or words[1][:1] in ("'", '"') or "(" in unquoted or "=" in unquoted:
        raise HandlebarsRefused(f"{{{{#{helper}}}}} takes exactly one variable")
    value = _expression(state, words[1])
    truthy = f"({value} is mapping or {value})"  # Handlebars: {} is true, [] and 0 are false
    frame = _Frame(helper, tag.line, chained)
    state.count += 1
    if helper == "if":
        state.emit(f"{{% if {truthy} %}}")
    elif helper == "unless":
        state.emit(f"{{% if not {truthy} %}}")
    elif helper == "each":
        key, item, items = (f"hb_{name}_{state.count}" for name in ("key", "item", "items"))
        keys = f"{items}|list if {items} is mapping else range({items}|length) if {_is_list(items)} else []"
        state.emit(f"{{% with {items} = {value} %}}{{% for {key} in ({keys}) %}}{{% set {item} = {items}[{key}] %}}")
        frame.context = _Context(item, key=key)
    else:
        context = f"hb_context_{state.count}"
        state.emit(f"{{% if {truthy} %}}{{% with {context} = {value} %}}")
        frame.context = _Context(context, key=state.contexts[-1].key)
    if frame.context is not None:
        state.contexts.append(frame.context)
    state.frames.append(frame)


def _open_equals(state: _Translation, tag: _Tag, arguments: list[str], *, calls: bool, chained: bool) -> None:
    """Novu's `{{#equals a b}}`: the block when the two values are equal (Python's ==: `"1"` is not `1`; null and
    missing are equal, as in JavaScript's ==)."""
    if len(arguments) != 2 or calls:
        raise HandlebarsRefused("{{#equals}} takes exactly two values (no subexpressions or hash arguments)")
    first, second = (_argument(state, argument) for argument in arguments)
    nothing = " and ".join(f"({value} is none or {value} is undefined)" for value in (first, second))
    state.emit(f"{{% if {first} == {second} or {nothing} %}}")  # JavaScript: null == undefined
    state.frames.append(_Frame("equals", tag.line, chained))


def _is_list(value: str) -> str:
    return f"({value} is sequence and {value} is not string and {value} is not mapping and {value} is defined)"


def _else(state: _Translation, tag: _Tag) -> None:
    if not state.frames or state.frames[-1].has_else:
        raise HandlebarsRefused("{{else}} outside a block, or a second {{else}}")
    frame = state.frames[-1]
    frame.has_else = True
    if frame.context is not None:
        state.contexts.pop()  # the else part renders in the block's outer context
    state.emit("{% endwith %}{% else %}" if frame.helper == "with" else "{% else %}")
    if tag.body:  # `{{else if x}}`: a block in the else part, closed with its opener
        _open(state, _Tag("open", tag.body, tag.line), chained=True)


def _close(state: _Translation, tag: _Tag) -> None:
    while state.frames and state.frames[-1].chained:
        _end(state, state.frames.pop())
    if not state.frames:
        raise HandlebarsRefused(f"{{{{/{tag.body}}}}} closes no block")
    frame = state.frames.pop()
    if frame.helper != tag.body:
        raise HandlebarsRefused(f"{{{{/{tag.body}}}}} closes {{{{#{frame.helper}}}}} of line {frame.line}")
    _end(state, frame)


def _end(state: _Translation, frame: _Frame) -> None:
    if frame.context is not None and not frame.has_else:
        state.contexts.pop()
    if frame.helper == "each":
        state.emit("{% endfor %}{% endwith %}")
    elif frame.helper == "with" and not frame.has_else:
        state.emit("{% endwith %}{% endif %}")
    else:
        state.emit("{% endif %}")


def _expression(state: _Translation, path: str) -> str:
    """The Jinja expression of a Handlebars path, resolved in the current context."""
    if path.startswith("@"):
        return _data_variable(state, path)
    depth = 0
    while path.startswith("../") or path == "..":
        depth, path = depth + 1, path[3:]
    if depth >= len(state.contexts):
        raise HandlebarsRefused(f"'{'../' * depth}' goes above the template's root")
    context = state.contexts[-1 - depth]
    explicit = path in ("this", ".", "") or path.startswith(("this.", "this/", "./"))
    rest = re.sub(r"^(this|\.)(/|\.|$)", "", path) if explicit else path
    segments = re.split(r"[./]", rest) if rest else []
    return _lookup(context, segments)


def _data_variable(state: _Translation, path: str) -> str:
    name = path[1:]
    if name == "root" or name.startswith(("root.", "root/")):
        return _lookup(state.contexts[0], re.split(r"[./]", name[5:]) if name[5:] else [])
    eaches = [context for context in state.contexts if context.key and context.expression.startswith("hb_item_")]
    if name in DATA_VARIABLES or name == "key":
        if not eaches:
            raise HandlebarsRefused(f"'@{name}' is only available inside {{{{#each}}}}")
        return DATA_VARIABLES.get(name) or str(eaches[-1].key)
    raise HandlebarsRefused(f"'@{name}' is not a Handlebars data variable Clarion supports")


def _lookup(context: _Context, segments: list[str]) -> str:
    """At the root a bare name (or `this.name`) is a payload field unless it is one of Novu's roots; elsewhere it is
    the context's."""
    for segment in segments:
        if not _SEGMENT.fullmatch(segment):
            raise HandlebarsRefused(f"'{'.'.join(segments)}' is not a variable path")
        if segment.startswith("_"):
            raise HandlebarsRefused(f"'{segment}': names starting with '_' are not available in templates")
    if context.root and segments and segments[0] in ROOTS:
        expression, segments = segments[0], segments[1:]
    else:
        expression = context.expression
    for segment in segments:
        expression = _member(expression, segment)
    return expression


def _member(expression: str, segment: str) -> str:
    """`expression.segment` as JavaScript reads it: a key (never a Python method), an array index, or `.length`."""
    if segment.isascii() and segment.isdigit():
        return f"{expression}[{segment}]"
    if segment in _METHODS:
        member = f"({expression}['{segment}'] if {expression} is mapping and '{segment}' in {expression} else none)"
    elif segment == "length":
        member = (
            f"({expression}|length if {_is_list(expression)} or {expression} is string else {expression}['length'])"
        )
    else:
        member = f"{expression}.{segment}" if _NAME.fullmatch(segment) else f"{expression}['{segment}']"
    if len(member) > MAX_EXPRESSION_CHARS:
        raise HandlebarsRefused("a path is too deep to translate (keys named like methods or length repeat it)")
    return member
