"""What can be done with campaigns: the rules, independent of HTTP."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from clarion.campaigns.models import Campaign, CreateCampaignRequest, Step, UpdateCampaignRequest
from clarion.changes.entity_types import CAMPAIGN
from clarion.changes.recording import record_change
from clarion.clock import timestamp_now
from clarion.engine.layouts import require_layouts
from clarion.engine.steps import is_journey
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.journeys.graph import validate_steps
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository, GuardedOp

if TYPE_CHECKING:
    from clarion.store import entities

FINAL_STATUS = "completed"
Also = Sequence[GuardedOp]
_CAMPAIGN_FIELDS = [field.alias or name for name, field in Campaign.model_fields.items()]


def create_campaign(caller: Principal, request: CreateCampaignRequest) -> Campaign:
    return public_campaign(store_new_campaign(caller, request))


def store_new_campaign(
    caller: Principal, request: CreateCampaignRequest, extra: Mapping[str, Any] | None = None, also: Also = ()
) -> entities.Campaign:
    """Stores the campaign a request describes, with `extra` attributes (a workflow's group, tags, data) and the
    operations `also` written in its transaction."""
    now = timestamp_now()
    steps, channels = _steps_and_channels(caller, request.steps)
    campaign: entities.Campaign = {
        "_id": new_id(),
        "name": request.name,
        "identifier": request.identifier or identifier_from_name(request.name),
        "description": request.description,
        "status": request.status,
        "critical": request.critical,
        "purpose": request.purpose,
        "preferenceSettings": request.preferenceSettings.model_dump(),
        "audience": request.audience.model_dump(),
        "steps": steps,
        "channels": channels,
        "inboxExpiryDays": request.inboxExpiryDays,
        "version": 1,
        "createdAt": now,
        "createdBy": caller.client_id,
        "updatedAt": now,
        "updatedBy": caller.client_id,
    }
    campaign = _changed(campaign, dict(extra or {}))
    _publish_journey(caller, campaign)
    CampaignsRepository().create(caller.environment_id, campaign, also)
    record_change(caller, CAMPAIGN, None, campaign)
    return campaign


def list_campaigns(caller: Principal, *, limit: int, cursor: str | None) -> tuple[list[Campaign], str | None]:
    page = CampaignsRepository().list_page(caller.environment_id, limit=limit, cursor=cursor)
    return [public_campaign(item) for item in page.items], page.cursor


def get_campaign(caller: Principal, campaign_id: str) -> Campaign:
    return public_campaign(existing_campaign(caller, campaign_id))


def update_campaign(caller: Principal, campaign_id: str, request: UpdateCampaignRequest) -> Campaign:
    """Changes the fields given; a completed campaign is final, and a concurrent change makes this a 409."""
    return public_campaign(store_campaign_changes(caller, existing_campaign(caller, campaign_id), request))


def store_campaign_changes(
    caller: Principal,
    campaign: entities.Campaign,
    request: UpdateCampaignRequest,
    extra: Mapping[str, Any] | None = None,
    also: Also = (),
) -> entities.Campaign:
    """The campaign read, changed by the request's fields and the `extra` attributes, stored (with the operations
    `also` in its transaction) if anything changed."""
    if campaign["status"] == FINAL_STATUS:
        raise Conflict(f"campaign '{campaign['_id']}' is completed and can no longer change", field="status")
    changes = request.model_dump(exclude_none=True, exclude={"steps"}) | dict(extra or {})
    if request.steps is not None:
        steps, channels = _steps_and_channels(caller, request.steps)
        changes |= {"steps": steps, "channels": channels}
    changes = {name: value for name, value in changes.items() if campaign.get(name) != value}
    if not changes:
        return campaign
    now = timestamp_now()
    changed = _changed(campaign, changes) | {
        "version": campaign["version"] + 1,
        "updatedAt": now,
        "updatedBy": caller.client_id,
    }
    if "steps" in changes:
        _publish_journey(caller, changed)
    CampaignsRepository().update(caller.environment_id, campaign, changed, also)
    record_change(caller, CAMPAIGN, campaign, changed)
    return changed


def delete_campaign(caller: Principal, campaign: entities.Campaign, also: Also = ()) -> None:
    """Deletes the campaign read and frees its identifier; its past messages and notifications stay."""
    CampaignsRepository().delete(caller.environment_id, campaign, also)


def identifier_from_name(name: str) -> str:
    """`Welcome, Café!` → `welcome-cafe`: the default identifier (Novu's trigger name)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:100].rstrip("-")
    if not slug:
        raise ValidationFailed("the name has no letters or digits to make an identifier: give one", field="identifier")
    return slug


def _steps_and_channels(caller: Principal, steps: list[Step]) -> tuple[list[dict[str, Any]], list[str]]:
    """The steps as stored, and the distinct channels they use in step order."""
    require_layouts(caller.environment_id, {index: step.layoutId for index, step in enumerate(steps)})
    stored = [step.stored() for step in steps]
    validate_steps(stored)
    return stored, list(dict.fromkeys(step.channel for step in steps if step.channel))


def _changed(campaign: entities.Campaign, changes: dict[str, Any]) -> entities.Campaign:
    """The campaign with a request's changes: attributes of UpdateCampaignRequest, named as the item names them."""
    return cast("entities.Campaign", campaign | changes)


def _publish_journey(caller: Principal, campaign: entities.Campaign) -> None:
    """A journey's state machine exists before the campaign that runs on it is stored."""
    if is_journey(campaign["steps"]):
        from clarion.journeys.machines import publish_machine  # noqa: PLC0415 - Step Functions code, off the cold start

        publish_machine(caller.environment_id, campaign)


def existing_campaign(caller: Principal, campaign_id: str) -> entities.Campaign:
    """A campaign of the caller's environment; another environment's campaign is as absent as a missing one."""
    campaign = CampaignsRepository().get(caller.environment_id, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign '{campaign_id}' not found", field="campaignId")
    return campaign


def public_campaign(item: Mapping[str, Any]) -> Campaign:
    return Campaign.model_validate({name: item.get(name) for name in _CAMPAIGN_FIELDS})
