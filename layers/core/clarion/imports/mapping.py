"""What a row becomes: a CSV row's columns mapped to a profile's fields or a suppression entry's, with text turned
into each catalogued attribute's type; a JSON line is taken as the entry itself."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from clarion.tasks.models import TaskFailed

PROFILE_FIELDS = frozenset({"subscriberId", "email", "firstName", "lastName", "phone", "avatar", "locale", "timezone"})
SUPPRESSION_FIELDS = frozenset({"channel", "address", "reason"})
ATTRIBUTE_PREFIX = "attributes."
SKIP = ""
"""A column mapped to "" is not imported."""
LIST_SEPARATOR = "|"
"""Separates the texts of a `list` attribute in one CSV field."""
_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})


def column_targets(header: list[str], mapping: Mapping[str, str], fields: frozenset[str]) -> dict[str, str]:
    """Each column's target field (mapped, or named like a field, or `attributes.<name>` for a profile); a column
    with no target fails the task, naming it, so no value is silently dropped."""
    targets: dict[str, str] = {}
    for column in header:
        target = mapping.get(column, column)
        if target == SKIP:
            continue
        is_attribute = target.startswith(ATTRIBUTE_PREFIX) and "subscriberId" in fields and len(target) > 11
        if target not in fields and not is_attribute:
            raise TaskFailed(f"column '{column[:100]}' maps to no field: map it in `mapping` (\"\" to skip it)")
        targets[column] = target
    return targets


def entry_of(values: Mapping[str, str], targets: Mapping[str, str], types: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as an entry: empty fields left out; attribute texts as their catalogued type (an uncatalogued one
    stays text, and the upsert refuses it naming the attribute)."""
    entry: dict[str, Any] = {}
    for column, target in targets.items():
        text = values[column]
        if text == "":
            continue
        if target.startswith(ATTRIBUTE_PREFIX):
            name = target.removeprefix(ATTRIBUTE_PREFIX)
            entry.setdefault("attributes", {})[name] = typed(types.get(name), text)
        else:
            entry[target] = text
    return entry


def typed(kind: str | None, text: str) -> Any:
    """A CSV field as a value of the attribute type `kind`; text the type does not read is kept as text, for the
    attribute check to refuse with its own message."""
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text
        if not math.isfinite(number):
            return text
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if kind == "boolean":
        lowered = text.strip().lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    if kind == "list":
        return [part for part in text.split(LIST_SEPARATOR) if part]
    return text


def attribute_names(targets: Mapping[str, str]) -> list[str]:
    return [t.removeprefix(ATTRIBUTE_PREFIX) for t in targets.values() if t.startswith(ATTRIBUTE_PREFIX)]
