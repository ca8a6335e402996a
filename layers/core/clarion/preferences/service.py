"""Which channels a subscriber accepts: the resolution rules the delivery engine obeys (`allowed_channels`), and
Novu v1's preference operations built on the same rules, so the API shows what the engine will do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clarion.clock import timestamp_now
from clarion.errors import ClarionError, NotFound
from clarion.preferences.models import (
    CHANNELS,
    CampaignPreference,
    CampaignSummary,
    GlobalPreference,
    PreferenceLevel,
    PreferenceState,
    Trigger,
    UpdateCampaignPreferenceRequest,
    UpdateGlobalPreferencesRequest,
)
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.store.keys import GLOBAL_PREFERENCE_SK, campaign_preference_sk
from clarion.store.preferences import PreferencesRepository
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities


class CriticalCampaign(ClarionError):
    """A critical campaign is always delivered, so its preferences cannot be changed (Novu answers 400)."""


def allowed_channels(
    campaign: entities.CampaignVersion,
    preference_items: list[entities.Preference],
    workflow_override: Mapping[str, Any] | None = None,
) -> dict[str, bool]:
    """The channels a message of `campaign` may use for a subscriber with these preference items.

    A critical campaign uses every channel. Otherwise each channel starts from the campaign's default
    (`preferenceSettings`, on when unset), which the trigger's tenant's `workflow_override` replaces where it sets
    one (Novu's order); the subscriber's global choice overrides those, and its choice for this campaign overrides
    all. A level with `enabled: false` turns every channel off at that level.
    """
    if campaign.get("critical"):
        return dict.fromkeys(CHANNELS, True)
    defaults = (campaign.get("preferenceSettings") or {}) | ((workflow_override or {}).get("preferenceSettings") or {})
    allowed = {channel: bool(defaults.get(channel, True)) for channel in CHANNELS}
    levels = _by_key(preference_items)
    for level in (levels.get(GLOBAL_PREFERENCE_SK), levels.get(campaign_preference_sk(campaign["_id"]))):
        allowed |= _choices(level)
    return allowed


def list_preferences(
    caller: Principal, subscriber_id: str, *, include_inactive_channels: bool = True
) -> list[CampaignPreference]:
    """One entry per campaign of the environment, with the subscriber's choices applied."""
    items = _preference_items(caller, subscriber_id)
    campaigns = CampaignsRepository().all(caller.environment_id)
    return [_campaign_preference(campaign, items, include_inactive_channels) for campaign in campaigns]


def preferences_by_level(
    caller: Principal, subscriber_id: str, level: PreferenceLevel, *, include_inactive_channels: bool = True
) -> list[CampaignPreference] | list[GlobalPreference]:
    if level == "template":
        return list_preferences(caller, subscriber_id, include_inactive_channels=include_inactive_channels)
    state = _global_state(_preference_items(caller, subscriber_id))
    if not include_inactive_channels:
        campaigns = CampaignsRepository().all(caller.environment_id)
        used = {channel for campaign in campaigns for channel in _steps(campaign)}
        state.channels = {channel: on for channel, on in state.channels.items() if channel in used}
    return [GlobalPreference(preference=state)]


def update_global(caller: Principal, subscriber_id: str, request: UpdateGlobalPreferencesRequest) -> GlobalPreference:
    items = _preference_items(caller, subscriber_id)
    channels: dict[str, bool] = {choice.type: choice.enabled for choice in request.preferences or []}
    items = _change(
        caller,
        subscriber_id,
        items,
        sk=GLOBAL_PREFERENCE_SK,
        enabled=request.enabled,
        channels=channels,
        attributes={"level": "global"},
    )
    return GlobalPreference(preference=_global_state(items))


def update_campaign(
    caller: Principal, subscriber_id: str, campaign_id: str, request: UpdateCampaignPreferenceRequest
) -> CampaignPreference:
    items = _preference_items(caller, subscriber_id)
    campaign = CampaignsRepository().get(caller.environment_id, campaign_id)
    if campaign is None:
        raise NotFound(f"Workflow with id: {campaign_id} is not found", field="parameter", value=campaign_id)
    if campaign.get("critical"):
        raise CriticalCampaign(
            f"Critical workflow with id: {campaign_id} can not be updated", field="parameter", value=campaign_id
        )
    channels: dict[str, bool] = {request.channel.type: request.channel.enabled} if request.channel else {}
    attributes: entities.Preference = {"level": "template", "campaignId": campaign_id}
    sk = campaign_preference_sk(campaign_id)
    items = _change(
        caller, subscriber_id, items, sk=sk, enabled=request.enabled, channels=channels, attributes=attributes
    )
    return _campaign_preference(campaign, items, include_inactive_channels=True)


def _preference_items(caller: Principal, subscriber_id: str) -> list[entities.Preference]:
    """The subscriber's preference items; an unknown subscriber (or another environment's) is a 404."""
    if SubscribersRepository().get(caller.environment_id, subscriber_id) is None:
        raise NotFound(f"Subscriber with id: {subscriber_id} not found", field="subscriberId", value=subscriber_id)
    return PreferencesRepository().items_for(caller.environment_id, subscriber_id)


def _change(
    caller: Principal,
    subscriber_id: str,
    items: list[entities.Preference],
    *,
    sk: str,
    enabled: bool | None,
    channels: dict[str, bool],
    attributes: entities.Preference,
) -> list[entities.Preference]:
    """The preference items after setting `enabled` (unless None) and `channels` on the item at `sk`."""
    if enabled is None and not channels:
        return items
    current = _by_key(items).get(sk)
    now = timestamp_now()
    changed: entities.Preference = current.copy() if current else {"createdAt": now}
    changed.pop("pk", None)
    changed.pop("version", None)
    changed |= attributes
    changed |= {"sk": sk, "updatedAt": now, "channels": (changed.get("channels") or {}) | channels}
    if enabled is not None:
        changed["enabled"] = enabled
    saved = PreferencesRepository().save(caller.environment_id, subscriber_id, changed, read=current)
    return [item for item in items if item["sk"] != sk] + [saved]


def _global_state(items: list[entities.Preference]) -> PreferenceState:
    """The global level as the subscriber set it: every channel on unless turned off."""
    level = _by_key(items).get(GLOBAL_PREFERENCE_SK) or {}
    channels = dict.fromkeys(CHANNELS, True) | _set_channels(level)
    return PreferenceState(enabled=level.get("enabled", True), channels=channels)


def _campaign_preference(
    campaign: entities.Campaign, items: list[entities.Preference], include_inactive_channels: bool
) -> CampaignPreference:
    channels = allowed_channels(campaign, items)
    if not include_inactive_channels:
        channels = {channel: on for channel, on in channels.items() if channel in _steps(campaign)}
    level = _by_key(items).get(campaign_preference_sk(campaign["_id"])) or {}
    enabled = bool(campaign.get("critical")) or level.get("enabled", True)
    identifier = campaign.get("identifier")
    summary = CampaignSummary(
        id=campaign["_id"],
        name=campaign.get("name", ""),
        critical=bool(campaign.get("critical")),
        triggers=[Trigger(identifier=identifier)] if identifier else [],
    )
    return CampaignPreference(template=summary, preference=PreferenceState(enabled=enabled, channels=channels))


def _choices(level: entities.Preference | None) -> dict[str, bool]:
    """What one level decides: nothing when absent, every channel off when disabled, else the channels it set."""
    if level is None:
        return {}
    if level.get("enabled") is False:
        return dict.fromkeys(CHANNELS, False)
    return _set_channels(level)


def _set_channels(level: entities.Preference) -> dict[str, bool]:
    return {channel: on for channel, on in (level.get("channels") or {}).items() if channel in CHANNELS}


def _steps(campaign: entities.Campaign) -> set[str]:
    """The channels the campaign's steps use."""
    return set(campaign.get("channels") or [])


def _by_key(items: list[entities.Preference]) -> dict[str, entities.Preference]:
    return {item["sk"]: item for item in items}
