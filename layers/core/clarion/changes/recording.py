"""Recording changes: a layout, campaign or feed written in an environment that another environment has as its
parent (development, with production as its child) opens a pending change, or updates the entity's pending one.

The layouts' and campaigns' services call `record_change` after each create and update, the feeds' after a create;
in an environment without a child it costs one Query of the organization's environments and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clarion.changes.entity_types import CAMPAIGN, FEED, LAYOUT
from clarion.changes.repository import ChangesRepository
from clarion.clock import timestamp_now
from clarion.environments.repository import EnvironmentsRepository
from clarion.errors import Conflict
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.settings import settings

if TYPE_CHECKING:
    from clarion.store import entities

PROMOTED_FIELDS: dict[str, tuple[str, ...]] = {
    LAYOUT: ("name", "identifier", "description", "content", "variables", "isDefault"),
    CAMPAIGN: (
        "name",
        "identifier",
        "description",
        "status",
        "critical",
        "preferenceSettings",
        "audience",
        "steps",
        "inboxExpiryDays",
    ),
    FEED: ("name", "identifier"),
}
"""What applying a change copies of each entity: its definition, not its bookkeeping (ids, versions, times)."""
_ATTEMPTS = 3


def record_change(
    caller: Principal, entity_type: str, before: Mapping[str, Any] | None, after: Mapping[str, Any]
) -> None:
    """Records that `caller` wrote `after` (formerly `before`, None for a creation) in its environment."""
    if EnvironmentsRepository().promotion_target(caller.environment_id) is None:
        return
    promoted = PROMOTED_FIELDS[entity_type]
    snapshot = {"_id": after["_id"]} | {name: after[name] for name in promoted if after.get(name) is not None}
    written = _field_ops({name: before[name] for name in promoted if before and before.get(name) is not None}, snapshot)
    if not written:
        return
    repository = ChangesRepository()
    for _ in range(_ATTEMPTS):
        pending = repository.pending(caller.environment_id, entity_type, after["_id"])
        if pending is None:
            if repository.open(caller.environment_id, _new_change(caller, entity_type, written, snapshot)):
                return
        elif repository.revise(
            caller.environment_id,
            pending,
            {"fields": _merged(pending["fields"], written), "snapshot": snapshot, "updatedAt": timestamp_now()},
        ):
            return
    raise Conflict("the change was recorded by another request meanwhile; retry", field="changeId")


def _field_ops(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, str]:
    """What a write did to each field: `add` (absent before), `update` (another value), `delete` (absent now)."""
    ops = {name: "add" for name in after if name != "_id" and name not in before}
    ops |= {name: "update" for name in after if name in before and before[name] != after[name]}
    return ops | {name: "delete" for name in before if name not in after}


def _merged(earlier: Mapping[str, str], later: Mapping[str, str]) -> dict[str, str]:
    """The ops of two writes as one: a field added by the first stays added (unless the second deletes it)."""
    merged = dict(earlier)
    for name, op in later.items():
        merged[name] = "add" if earlier.get(name) == "add" and op != "delete" else op
    return merged


def _new_change(
    caller: Principal, entity_type: str, fields: dict[str, str], snapshot: dict[str, Any]
) -> entities.Change:
    now = timestamp_now()
    return {
        "_id": new_id(),
        "_environmentId": caller.environment_id,
        "_organizationId": settings().organization_id,
        "_creatorId": caller.client_id,
        "_entityId": snapshot["_id"],
        "type": entity_type,
        "enabled": False,
        "fields": fields,
        "snapshot": snapshot,
        "revision": 1,
        "createdAt": now,
        "updatedAt": now,
    }
