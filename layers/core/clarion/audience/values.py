"""Attribute values on profiles: each checked against its catalogued type, and counted per value.

A profile's values are the map `attributes` on its item. Each (attribute, value) pair has a counter item in
SubscribersTable holding how many profiles hold it; a write that changes a profile's values moves the counters of the
values it removes and adds in the same transaction as the profile (`counter_ops`). A list attribute counts each
element.
"""

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

from clarion import clock
from clarion.audience.catalogue import ATTRIBUTES, Catalogue
from clarion.dynamo import DynamoTable, Expression, Item
from clarion.errors import ValidationFailed
from clarion.settings import settings
from clarion.store.keys import ATTRIBUTE_VALUE_PREFIX, attribute_value_sk, attribute_values_pk

MAX_TEXT = 200  # 4-byte characters: a counter's sort key stays under 1,024 bytes
MAX_LIST_ITEMS = 20
MAX_COUNTER_OPS = 98  # DynamoDB's 100 actions a transaction, less the profile and the subscriber count
Deltas = dict[tuple[str, str], tuple[Any, int]]
"""(attribute, value text) -> (the value, how many profiles more hold it)."""


class AttributeSchema(NamedTuple):
    """The catalogued types of the attributes a request names: checks values against them."""

    types: dict[str, str]

    @classmethod
    def of(cls, environment_id: str, names: Iterable[str]) -> "AttributeSchema":
        entries = Catalogue(ATTRIBUTES).get_many(environment_id, names)
        return cls({name: entry["type"] for name, entry in entries.items()})

    def checked(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The values as stored (None where a value is removed); the first bad one is a 422 naming
        `attributes.<name>`."""
        checked = {}
        for name, value in given.items():
            field = f"attributes.{name}"
            if name not in self.types:
                raise ValidationFailed("is not a catalogued attribute; create it with POST /v1/attributes", field=field)
            try:
                checked[name] = None if value is None else stored_value(self.types[name], value)
            except ValueError as error:
                raise ValidationFailed(str(error), field=field, value=value) from error
        return checked


def stored_value(kind: str, value: Any) -> Any:
    """`value` as stored for an attribute of type `kind`; ValueError saying what is wrong."""
    if kind == "string":
        return _text(value, "must be text")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind == "date":
        return _date(value)
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise ValueError(f"must be a list of at most {MAX_LIST_ITEMS} texts")
    return list(dict.fromkeys(_text(item, "must hold only texts") for item in value))


def _text(value: Any, message: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError(f"{message} of at most {MAX_TEXT} characters")
    return value


def _date(value: Any) -> str:
    """A day (yyyy-mm-dd) as given, or an instant with its offset as UTC (`2024-05-01T10:00:00.000Z`)."""
    problem = "must be a day (yyyy-mm-dd) or an ISO 8601 instant with an offset or Z"
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(problem)
    try:
        return (
            date.fromisoformat(value).isoformat() if len(value) == 10 else clock.timestamp(clock.parse_instant(value))
        )
    except ValueError as error:
        raise ValueError(problem) from error


def merged(current: Mapping[str, Any] | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    """A profile's values after `changes` (checked; None removes a value)."""
    values = dict(current or {}) | dict(changes)
    return {name: value for name, value in values.items() if value is not None}


def value_deltas(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> Deltas:
    """How each counter moves when a profile's values go from `before` to `after`."""
    deltas: Deltas = {}
    for values, step in ((before or {}, -1), (after or {}, 1)):
        for name, value in values.items():
            for element in value if isinstance(value, list) else [value]:
                key = (name, value_text(element))
                deltas[key] = (element, deltas.get(key, (element, 0))[1] + step)
    return {key: moved for key, moved in deltas.items() if moved[1]}


def value_text(value: Any) -> str:
    """The canonical text of a stored value (one counter per text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, int | float) else str(value)


def add_deltas(total: Deltas, more: Deltas) -> None:
    for key, (value, delta) in more.items():
        total[key] = (value, total.get(key, (value, 0))[1] + delta)


class AttributeValueCounters:
    """SubscribersTable `ENV#<env>#VALUES#<attribute>` / `VALUE#<text>`: `value`, `attribute`, `count`."""

    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def ops(self, environment_id: str, deltas: Deltas) -> list[dict[str, Any]]:
        """The transaction actions that move the counters; a change moving more than a transaction can hold beside
        its profile is a 422."""
        if len(deltas) > MAX_COUNTER_OPS:
            raise ValidationFailed(
                f"this change moves {len(deltas)} attribute value counts; at most {MAX_COUNTER_OPS} in one request",
                field="attributes",
            )
        return [self._op(environment_id, name, text, value, delta) for (name, text), (value, delta) in deltas.items()]

    def apply(self, environment_id: str, deltas: Deltas) -> None:
        """Moves the counters outside a profile's write (a bulk upsert): 100 a transaction."""
        ops = [self._op(environment_id, n, text, value, delta) for (n, text), (value, delta) in deltas.items()]
        for start in range(0, len(ops), 100):
            self.table.transact(ops[start : start + 100])

    def _op(self, environment_id: str, name: str, text: str, value: Any, delta: int) -> dict[str, Any]:
        update = Expression(
            "ADD #count :delta SET #value = :value, #attribute = :attribute",
            {"#count": "count", "#value": "value", "#attribute": "attribute"},
            {":delta": delta, ":value": value, ":attribute": name},
        )
        return self.table.update_op(attribute_values_pk(environment_id, name), attribute_value_sk(text), update)

    def page(self, environment_id: str, name: str, *, page: int, limit: int) -> tuple[list[Item], bool]:
        """Page `page` of the values profiles hold, in value-text order, and whether more follow."""
        found = list(islice(self._held(environment_id, name), page * limit, page * limit + limit + 1))
        return found[:limit], len(found) > limit

    def count(self, environment_id: str, name: str) -> int:
        """How many distinct values profiles hold: one paged Query of the attribute's counters."""
        return sum(1 for _ in self._held(environment_id, name, projection="sk"))

    def _held(self, environment_id: str, name: str, projection: str | None = None) -> Iterator[Item]:
        held = Expression("#count > :zero", {"#count": "count"}, {":zero": 0})
        key = Expression(
            "pk = :pk AND begins_with(sk, :prefix)",
            values={":pk": attribute_values_pk(environment_id, name), ":prefix": ATTRIBUTE_VALUE_PREFIX},
        )
        return self.table.query_items(key, where=held, projection=projection, page_size=1000)
