"""Applying changes (Novu's promotion): the layout, campaign or feed a change holds is copied into the environment
whose parent is the change's environment (production, child of development).

The copy goes through the layouts', campaigns' and feeds' own services, as a create or an update by the caller in
the target environment, so it passes every rule a direct write does (identifiers, the default layout, journeys'
state machines). An entity is matched by its identifier: an existing one is updated, otherwise it is created. A
campaign's email steps name their layouts by `_id`, which differs between environments: each is replaced by the
`_id` of the target's layout with the same identifier, which must exist (apply the layout's change first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from clarion.campaigns import service as campaigns
from clarion.campaigns.models import CreateCampaignRequest, UpdateCampaignRequest
from clarion.changes.entity_types import CAMPAIGN, FEED
from clarion.changes.models import Change
from clarion.changes.repository import ChangesRepository
from clarion.changes.service import public_change
from clarion.clock import timestamp_now
from clarion.environments.repository import EnvironmentsRepository
from clarion.errors import Conflict, NotFound
from clarion.feeds import service as feeds
from clarion.feeds.models import CreateFeedRequest
from clarion.feeds.repository import FeedsRepository
from clarion.layouts import service as layouts
from clarion.layouts.models import CreateLayoutRequest, UpdateLayoutRequest
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.store.layouts import LayoutsRepository

if TYPE_CHECKING:
    from clarion.store import entities

R = TypeVar("R", bound=BaseModel)


def apply_change(caller: Principal, change_id: str) -> list[Change]:
    """Applies one change (Novu answers the changes applied: here, that one)."""
    return [_apply(caller, _existing(caller, change_id, "changeId"))]


def apply_changes(caller: Principal, change_ids: list[str]) -> list[list[Change]]:
    """Applies several, oldest first; an unknown id is a 404 naming it before anything is applied."""
    found = [_existing(caller, change_id, f"changeIds[{index}]") for index, change_id in enumerate(change_ids)]
    unique = {change["_id"]: change for change in found}.values()
    return [[_apply(caller, change)] for change in sorted(unique, key=lambda c: (c["createdAt"], c["_id"]))]


def _existing(caller: Principal, change_id: str, field: str) -> entities.Change:
    change = ChangesRepository().get(caller.environment_id, change_id)
    if change is None:
        raise NotFound(f"change '{change_id}' not found", field=field)
    return change


def _apply(caller: Principal, change: entities.Change) -> Change:
    """Copies the change's entity into the target environment and marks it applied; an applied change is answered
    as it is (applying again would undo what was promoted since)."""
    if change["enabled"]:
        return public_change(change)
    target = EnvironmentsRepository().promotion_target(caller.environment_id)
    if target is None:
        raise Conflict("no environment has this environment as its parent: there is nowhere to apply", field="changeId")
    in_target = Principal(caller.client_id, target["id"], caller.scopes, caller.rate_limits)
    if change["type"] == CAMPAIGN:
        _promote_campaign(caller, in_target, change["snapshot"])
    elif change["type"] == FEED:
        _promote_feed(in_target, change["snapshot"])
    else:
        _promote_layout(in_target, change["snapshot"])
    now = timestamp_now()
    if not ChangesRepository().mark_applied(caller.environment_id, change, applied_at=now, applied_by=caller.client_id):
        raise Conflict("the change was updated while it was applied: apply it again", field="changeId")
    return public_change(change | {"enabled": True, "appliedAt": now})


def _promote_layout(in_target: Principal, snapshot: dict[str, Any]) -> None:
    fields = {name: value for name, value in snapshot.items() if name not in ("_id", "isDefault")}
    existing = LayoutsRepository().id_of_identifier(in_target.environment_id, snapshot["identifier"])
    if existing is None:
        layouts.create_layout(
            in_target, _request(CreateLayoutRequest, fields | {"isDefault": snapshot.get("isDefault")})
        )
    else:  # the default may move to it, never away from it: the target always keeps one
        make_default = True if snapshot.get("isDefault") else None
        layouts.update_layout(in_target, existing, _request(UpdateLayoutRequest, fields | {"isDefault": make_default}))


def _promote_feed(in_target: Principal, snapshot: dict[str, Any]) -> None:
    """A feed is its name: the target's feed of that identifier is the same feed, so only a missing one is made."""
    if FeedsRepository().id_of_identifier(in_target.environment_id, snapshot["identifier"]) is None:
        feeds.create_feed(in_target, _request(CreateFeedRequest, {"name": snapshot["name"]}))


def _promote_campaign(caller: Principal, in_target: Principal, snapshot: dict[str, Any]) -> None:
    fields = {name: value for name, value in snapshot.items() if name != "_id"}
    fields["steps"] = _steps_in_target(caller, in_target, snapshot["steps"])
    existing = CampaignsRepository().find_by_identifier(in_target.environment_id, snapshot["identifier"])
    if existing is None:
        campaigns.create_campaign(in_target, _request(CreateCampaignRequest, fields))
    else:
        campaigns.update_campaign(in_target, existing["_id"], _request(UpdateCampaignRequest, fields))


def _request(model: type[R], fields: dict[str, Any]) -> R:
    """The write the snapshot asks for; one that no longer validates (rules tightened since it was recorded) is a
    409 naming its first bad field: saving the entity again in its environment records a fresh change."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"])
        raise Conflict(f"the change's {where} no longer validates: save the entity again", field=where) from error


def _steps_in_target(caller: Principal, in_target: Principal, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps with each named layout's `_id` replaced by the target's layout of the same identifier."""
    repository = LayoutsRepository()
    translated = []
    for index, step in enumerate(steps):
        layout_id = step.get("layoutId")
        if layout_id is None:
            translated.append(step)
            continue
        layout = repository.get(caller.environment_id, layout_id)
        target_id = layout and repository.id_of_identifier(in_target.environment_id, layout["identifier"])
        if not target_id:
            named = layout["identifier"] if layout else layout_id
            raise Conflict(
                f"layout '{named}' is not in the target environment: apply its change first",
                field=f"steps[{index}].layoutId",
            )
        translated.append(step | {"layoutId": target_id})
    return translated
