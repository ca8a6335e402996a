"""Novu's conditions: groups of field tests on named sources (the subscriber's profile, the trigger's payload).

Semantics (docs/api.md, "Conditions"):
- every group must match; an empty list matches. A group joins its children with AND or OR (no children: match);
  `isNegated` inverts the group's result. `type` is accepted as Novu sends it; values are typed by what they are.
- `field` is a dotted path into the source named by `on` (`data.plan`, `tags.0`); a missing field or a null
  matches only the negative operators NOT_EQUAL, NOT_IN, NOT_LIKE and NOT_BETWEEN (each the exact negation of
  its positive operator).
- equality: numbers and numeric strings compare as numbers (`"10"` equals `10.0`), booleans equal `"true"` /
  `"false"`, anything else compares as text.
- LARGER/SMALLER(_EQUAL) and BETWEEN compare numbers (or numeric strings) as numbers, else ISO 8601 dates as
  instants (a date without an offset is UTC); anything else does not match. BETWEEN is inclusive; its value is
  `"low,high"` or `[low, high]`.
- IN/NOT_IN/ANY_IN/ALL_IN: the value is a list, or a comma-separated string. IN: the field (or any element of a
  list field) is one of them; ANY_IN: the field's elements include at least one; ALL_IN: they include all.
- LIKE: case-sensitive substring (as Novu's `includes`); no wildcards. A list field is LIKE when one element is.
"""

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from clarion.models import Request

Operator = Literal[
    "LARGER",
    "SMALLER",
    "LARGER_EQUAL",
    "SMALLER_EQUAL",
    "EQUAL",
    "NOT_EQUAL",
    "ALL_IN",
    "ANY_IN",
    "NOT_IN",
    "BETWEEN",
    "NOT_BETWEEN",
    "LIKE",
    "NOT_LIKE",
    "IN",
]
GroupType = Literal["BOOLEAN", "TEXT", "DATE", "NUMBER", "STATEMENT", "LIST", "MULTI_LIST", "GROUP"]
Source = Literal["subscriber", "payload"]
Scalar = str | int | float | bool
MAX_GROUPS = 20
MAX_CHILDREN = 50
NEGATIONS: dict[str, str] = {
    "NOT_EQUAL": "EQUAL",
    "NOT_IN": "IN",
    "NOT_LIKE": "LIKE",
    "NOT_BETWEEN": "BETWEEN",
}
_MISSING = object()


class Condition(Request):
    """One test: `field` (a dotted path in the `on` source) `operator` `value`."""

    field: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s.][^\s]*$")]
    operator: Operator
    value: Scalar | list[Scalar] | None = None
    on: Source = "payload"

    @field_validator("value")
    @classmethod
    def _value_fits_operator(cls, value: Any, info: ValidationInfo) -> Any:
        operator = info.data.get("operator")
        if operator in ("BETWEEN", "NOT_BETWEEN") and len(_values(value)) != 2:
            raise ValueError('BETWEEN takes two values: "low,high" or [low, high]')
        if operator in ("IN", "NOT_IN", "ANY_IN", "ALL_IN") and not _values(value):
            raise ValueError(f"{operator} takes a list or a comma-separated string")
        if operator not in ("IN", "NOT_IN", "ANY_IN", "ALL_IN", "BETWEEN", "NOT_BETWEEN") and isinstance(value, list):
            raise ValueError(f"{operator} takes one value, not a list")
        return value


class ConditionGroup(Request):
    isNegated: bool = False
    type: GroupType = "GROUP"
    value: Literal["AND", "OR"] = "AND"
    children: list[Condition] = Field(default_factory=list, max_length=MAX_CHILDREN)


Conditions = Annotated[list[ConditionGroup], Field(max_length=MAX_GROUPS)]


def matches(conditions: Sequence[ConditionGroup | Mapping[str, Any]], sources: Mapping[str, Any]) -> bool:
    """Whether every group holds for `sources` (`on` value → its data); stored groups (dicts) are accepted."""
    return all(_group_matches(_group(group), sources) for group in conditions)


def _group(group: ConditionGroup | Mapping[str, Any]) -> ConditionGroup:
    return group if isinstance(group, ConditionGroup) else ConditionGroup.model_validate(group)


def _group_matches(group: ConditionGroup, sources: Mapping[str, Any]) -> bool:
    results = (holds(child, sources) for child in group.children)
    matched = any(results) if group.value == "OR" and group.children else all(results)
    return matched != group.isNegated


def holds(condition: Condition, sources: Mapping[str, Any]) -> bool:
    """Whether one condition holds."""
    actual = lookup(sources.get(condition.on), condition.field)
    negated = NEGATIONS.get(condition.operator)
    if negated is not None:
        return actual is _MISSING or not _holds(negated, actual, condition.value)
    return actual is not _MISSING and _holds(condition.operator, actual, condition.value)


def lookup(data: Any, path: str) -> Any:
    """The value at the dotted `path` (list elements by index), or _MISSING; a null counts as missing."""
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
    return _MISSING if current is None else current


def _holds(operator: str, actual: Any, expected: Any) -> bool:
    if operator == "EQUAL":
        return _equal(actual, expected)
    if operator == "LIKE":
        return any(isinstance(item, str | int | float) and str(expected) in str(item) for item in _elements(actual))
    if operator == "IN":
        return any(_equal(item, option) for item in _elements(actual) for option in _values(expected))
    if operator == "ANY_IN":
        return any(_contains(_elements(actual), option) for option in _values(expected))
    if operator == "ALL_IN":
        return all(_contains(_elements(actual), option) for option in _values(expected))
    if operator == "BETWEEN":
        low, high = _values(expected)
        return _compare(actual, low) in (0, 1) and _compare(actual, high) in (-1, 0)
    wanted = {"LARGER": (1,), "SMALLER": (-1,), "LARGER_EQUAL": (0, 1), "SMALLER_EQUAL": (-1, 0)}[operator]
    return _compare(actual, expected) in wanted


def _elements(value: Any) -> list[Any]:
    """A list's items, a set's too (a profile's `lists` and `tags` are string sets); any other value alone."""
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def _values(value: Any) -> list[Any]:
    """A list value as given; a string split on commas (each part trimmed, empty parts dropped)."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [] if value is None else [value]


def _contains(items: list[Any], option: Any) -> bool:
    return any(_equal(item, option) for item in items)


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return _text(actual).lower() == _text(expected).lower()
    numbers = _number(actual), _number(expected)
    if numbers[0] is not None and numbers[1] is not None:
        return numbers[0] == numbers[1]
    return _text(actual) == _text(expected)


def _compare(actual: Any, expected: Any) -> int | None:
    """-1, 0 or 1 comparing numbers, else ISO dates; None when the two are not comparable."""
    left: Any
    right: Any
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        left, right = _date(actual), _date(expected)
    if left is None or right is None:
        return None
    return (left > right) - (left < right)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
