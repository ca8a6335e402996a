"""/v1/widgets/preferences: the token's subscriber reads and changes which channels it accepts, as Novu's v1 widget
API has it (only the channels the environment's campaigns use are listed)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.models import Envelope
from clarion.preferences import service as preferences
from clarion.preferences.models import (
    CampaignId,
    CampaignPreference,
    GlobalPreference,
    PreferenceLevel,
    UpdateCampaignPreferenceRequest,
    UpdateGlobalPreferencesRequest,
)
from widgets.widget_access import add_preflights, subscriber, token_route

router = APIGatewayHttpRouter()


@token_route(router, "GET /v1/widgets/preferences", summary="The subscriber's preference for each campaign")
def list_preferences() -> Envelope[list[CampaignPreference]]:
    """One entry per campaign of the environment, with the channels its steps use and the subscriber's choices."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=preferences.list_preferences(caller, subscriber_id, include_inactive_channels=False))


@token_route(
    router,
    "GET /v1/widgets/preferences/{parameter}",
    summary="The subscriber's preferences at one level: global, or per template (campaign)",
)
def preferences_by_level(
    parameter: Annotated[PreferenceLevel, Path(description="`global` or `template`")],
) -> Envelope[list[CampaignPreference] | list[GlobalPreference]]:
    """The global choice, or the per-campaign ones, of the token's subscriber."""
    caller, subscriber_id = subscriber(router)
    found = preferences.preferences_by_level(caller, subscriber_id, parameter, include_inactive_channels=False)
    return Envelope(data=found)


@token_route(router, "PATCH /v1/widgets/preferences", summary="Change the subscriber's global preferences")
def update_global_preferences(body: UpdateGlobalPreferencesRequest) -> Envelope[GlobalPreference]:
    """Turns channels (or everything, with `enabled`) on or off for every campaign of the token's subscriber."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=preferences.update_global(caller, subscriber_id, body))


@token_route(
    router, "PATCH /v1/widgets/preferences/{parameter}", summary="Change the subscriber's preference for one campaign"
)
def update_campaign_preference(
    parameter: Annotated[CampaignId, Path(description="The campaign's id (Novu's templateId)")],
    body: UpdateCampaignPreferenceRequest,
) -> Envelope[CampaignPreference]:
    """Turns a channel (or the whole campaign, with `enabled`) on or off for the token's subscriber; a critical
    campaign cannot be turned off."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=preferences.update_campaign(caller, subscriber_id, parameter, body))


add_preflights(router)
