"""/v1/subscribers/{subscriberId}/preferences: which channels a subscriber accepts, as Novu's v1 API has them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import SubscriberIdPath, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope
from clarion.preferences import service
from clarion.preferences.models import (
    CampaignId,
    CampaignPreference,
    GlobalPreference,
    PreferenceLevel,
    UpdateCampaignPreferenceRequest,
    UpdateGlobalPreferencesRequest,
)

router = APIGatewayHttpRouter()
IncludeInactiveChannels = Annotated[
    bool, Query(description="List every channel, not only those the campaign's steps use (default true)")
]


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/preferences",
    scope="info:profile",
    rate=RouteClass.GLOBAL,
    summary="Get a subscriber's preferences",
)
def list_preferences(
    subscriberId: SubscriberIdPath, includeInactiveChannels: IncludeInactiveChannels = True
) -> Envelope[list[CampaignPreference]]:
    """One entry per campaign (workflow) of the environment, with the subscriber's choices applied, as Novu answers it;
    with `includeInactiveChannels=false`, only the channels the campaign's steps use. An unknown subscriber is a 404."""
    preferences = service.list_preferences(
        caller(router), subscriberId, include_inactive_channels=includeInactiveChannels
    )
    return Envelope(data=preferences)


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/preferences/{parameter}",
    scope="info:profile",
    rate=RouteClass.GLOBAL,
    summary="Get a subscriber's preferences at one level: global, or per template (campaign)",
)
def preferences_by_level(
    subscriberId: SubscriberIdPath,
    parameter: Annotated[PreferenceLevel, Path(description="`global` or `template`")],
    includeInactiveChannels: IncludeInactiveChannels = True,
) -> Envelope[list[CampaignPreference] | list[GlobalPreference]]:
    """The subscriber's preferences at one level: `global` (its choices for every campaign) or `template` (one entry per
    campaign, as `GET .../preferences` answers)."""
    preferences = service.preferences_by_level(
        caller(router), subscriberId, parameter, include_inactive_channels=includeInactiveChannels
    )
    return Envelope(data=preferences)


@endpoint(
    router,
    "PATCH /v1/subscribers/{subscriberId}/preferences",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Update a subscriber's global preferences",
)
def update_global_preferences(
    subscriberId: SubscriberIdPath, body: UpdateGlobalPreferencesRequest
) -> Envelope[GlobalPreference]:
    """Sets `enabled` and/or channel choices (`preferences: [{type, enabled}]`) for every campaign. A choice made for
    one campaign still overrides it there, and a critical campaign sends whatever it says."""
    return Envelope(data=service.update_global(caller(router), subscriberId, body))


@endpoint(
    router,
    "PATCH /v1/subscribers/{subscriberId}/preferences/{parameter}",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Update a subscriber's preference for one campaign",
)
def update_campaign_preference(
    subscriberId: SubscriberIdPath,
    parameter: Annotated[CampaignId, Path(description="The campaign's id")],
    body: UpdateCampaignPreferenceRequest,
) -> Envelope[CampaignPreference]:
    """Sets `enabled` and/or one `channel` choice for one campaign, overriding the subscriber's global choice there. An
    unknown campaign is a 404 naming `parameter`; a critical campaign, always delivered, cannot be changed (a 400, as in
    Novu)."""
    return Envelope(data=service.update_campaign(caller(router), subscriberId, parameter, body))
