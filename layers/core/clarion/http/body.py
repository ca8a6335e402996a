"""The request body at the boundary, checked once for every route before any of them reads it: a JSON media type,
then JSON that every layer behind can hold: UTF-8 text without lone surrogates, nested no deeper than DynamoDB
stores with room for Clarion's own nesting, and numbers that DynamoDB stores."""

import json
import re
from http import HTTPStatus
from typing import Any, NamedTuple

from clarion.dynamo import storable_number

MAX_DEPTH = 24
"""Levels of nesting a body may have: DynamoDB stores 32, and a payload is kept a few levels inside Clarion's own
records (a digest's events, a journey run's input)."""
_LONGEST_NUMBER = 160  # characters: past this no number is storable, and Python refuses ints of 4,300 digits
_JSON_MEDIA_TYPE = re.compile(r"application/(?:[\w.!#$&^-]+\+)?json")


class BodyRefused(Exception):
    """A body refused at the boundary: the answer's status, the field at fault (`body` for the whole) and why."""

    def __init__(self, status: HTTPStatus, field: str, message: str) -> None:
        super().__init__(status, field, message)
        self.status, self.field, self.message = status, field, message


class _Unstorable(NamedTuple):
    """A number parsed as text, to be refused with the name of the field that holds it."""

    text: str


def is_json_media_type(content_type: str | None) -> bool:
    """`application/json`, in any case, with parameters, or a `+json` type such as `application/merge-patch+json`."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return _JSON_MEDIA_TYPE.fullmatch(media_type) is not None


def parse_body(body: bytes, content_type: str | None) -> Any:
    """The body's JSON value (None for an empty body); BodyRefused names what is wrong and where, never the value."""
    if not body:
        return None
    if content_type and not is_json_media_type(content_type):
        media_type = content_type.split(";", 1)[0].strip()[:64]
        raise BodyRefused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "body", f"send application/json, not {media_type}")
    try:
        value = json.loads(body.decode(), parse_int=_integer, parse_float=_decimal, parse_constant=_Unstorable)
    except RecursionError:
        raise BodyRefused(HTTPStatus.UNPROCESSABLE_ENTITY, "body", f"nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # a JSONDecodeError, or bytes that are not UTF-8
        raise BodyRefused(HTTPStatus.UNPROCESSABLE_ENTITY, "body", "body is not valid JSON") from None
    _check_values(value)
    return value


def _integer(text: str) -> int | _Unstorable:
    return _Unstorable(text) if len(text) > _LONGEST_NUMBER else int(text)


def _decimal(text: str) -> float | _Unstorable:
    return _Unstorable(text) if len(text) > _LONGEST_NUMBER else float(text)


def _check_values(root: Any) -> None:
    """Walks the value without recursion (its depth is what is being checked)."""
    pending: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())]
    while pending:
        value, path = pending.pop()
        if len(path) > MAX_DEPTH:
            _refuse(path, f"nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            for key, inner in value.items():
                if not _is_unicode(key):
                    _refuse(path, "has a key that is not valid Unicode (a lone surrogate)")
                pending.append((inner, (*path, key)))
        elif isinstance(value, list):
            pending.extend((inner, (*path, index)) for index, inner in enumerate(value))
        elif isinstance(value, str):
            if not _is_unicode(value):
                _refuse(path, "is not valid Unicode (a lone surrogate)")
        elif isinstance(value, _Unstorable):
            _refuse(path, _unstorable_reason(value.text))
        elif isinstance(value, int | float) and not isinstance(value, bool) and not storable_number(value):
            _refuse(path, "holds a number DynamoDB cannot store (at most 38 digits, magnitude 1e-130 to 1e126)")


def _unstorable_reason(text: str) -> str:
    if text in ("NaN", "Infinity", "-Infinity"):
        return "holds NaN or Infinity, which are not JSON numbers"
    return "holds a number DynamoDB cannot store (at most 38 digits, magnitude 1e-130 to 1e126)"


def _is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _refuse(path: tuple[str | int, ...], message: str) -> None:
    raise BodyRefused(HTTPStatus.UNPROCESSABLE_ENTITY, field_name(path), message)


def field_name(path: tuple[str | int, ...]) -> str:
    """`("scopes", 2)` → `scopes[2]`; `("payload", "a")` → `payload.a`; `()` → `body`."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"
