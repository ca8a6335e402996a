"""Reading changes: Novu's list (newest first, offset-paged, pending or applied) and the pending count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from clarion.changes.models import Change
from clarion.changes.repository import ChangesRepository
from clarion.models import NovuPage, novu_page
from clarion.principal import Principal

if TYPE_CHECKING:
    from clarion.store import entities


def list_changes(caller: Principal, *, promoted: bool, page: int, limit: int) -> NovuPage[Change]:
    changes = sorted(
        (change for change in ChangesRepository().all(caller.environment_id) if change["enabled"] == promoted),
        key=lambda change: (change["createdAt"], change["_id"]),
        reverse=True,
    )
    return novu_page(changes, page=page, page_size=limit, public=public_change)


def count_changes(caller: Principal) -> int:
    """The changes waiting to be applied."""
    return sum(1 for change in ChangesRepository().all(caller.environment_id) if not change["enabled"])


def public_change(change: entities.Change) -> Change:
    snapshot, item = change["snapshot"], cast("Mapping[str, Any]", change)
    fields = {name: item[name] for name in _WIRE_FIELDS if name in item}
    return Change.model_validate(
        fields
        | {
            "change": [_detail(name, op, snapshot) for name, op in sorted(change["fields"].items())],
            "templateName": snapshot.get("name", ""),
            "templateId": change["_entityId"],
        }
    )


_WIRE_FIELDS = (
    "_id",
    "_creatorId",
    "_environmentId",
    "_organizationId",
    "_entityId",
    "enabled",
    "type",
    "createdAt",
    "updatedAt",
    "appliedAt",
)


def _detail(name: str, op: str, snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Novu's diff entry of one field: its path and, unless deleted, its value."""
    return {"op": op, "path": [name], "val": None if op == "delete" else snapshot.get(name)}
