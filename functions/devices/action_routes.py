"""Push actions, listed per campaign, subscriber or device, and one by id (recorded by POST /v1/hits/push-action)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.actions import service
from clarion.actions.models import PushAction
from clarion.api import Limit, PageNumber, SubscriberIdPath, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage
from devices.device_routes import DeviceIdPath

router = APIGatewayHttpRouter()
ActionIdPath = Annotated[str, Path(min_length=3, max_length=100, description="`<messageId>_<action>`")]
CampaignIdPath = Annotated[str, Path(min_length=1, max_length=64, description="The campaign's id")]


@endpoint(
    router,
    "GET /v1/campaigns/{campaignId}/actions",
    scope="list:action",
    rate=RouteClass.GLOBAL,
    summary="List the push actions on a campaign's messages, newest first",
)
def list_campaign_actions(campaignId: CampaignIdPath, page: PageNumber = 0, limit: Limit = 10) -> NovuPage[PushAction]:
    """Novu's page (with `totalCount`) of the opens, clicks and dismissals reported on the campaign's push and in-app
    messages, newest first; pages reach 10,000 actions back. An unknown campaign is a 404."""
    return service.list_campaign_actions(caller(router), campaignId, page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/actions",
    scope="list:device_action",
    rate=RouteClass.GLOBAL,
    summary="List a subscriber's push actions, newest first",
)
def list_subscriber_actions(
    subscriberId: SubscriberIdPath, page: PageNumber = 0, limit: Limit = 10
) -> NovuPage[PushAction]:
    """Novu's page (with `totalCount`) of the subscriber's opens, clicks and dismissals, newest first; pages reach
    10,000 actions back."""
    return service.list_subscriber_actions(caller(router), subscriberId, page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/devices/{deviceId}/actions",
    scope="list:device_action",
    rate=RouteClass.GLOBAL,
    summary="List the push actions on a device, newest first",
)
def list_device_actions(deviceId: DeviceIdPath, page: PageNumber = 0, limit: Limit = 10) -> NovuPage[PushAction]:
    """Novu's page (with `totalCount`) of the actions reported with this `deviceId`, newest first; pages reach 10,000
    actions back."""
    return service.list_device_actions(caller(router), deviceId, page=page, limit=limit)


@endpoint(
    router, "GET /v1/actions/{actionId}", scope="info:action", rate=RouteClass.GLOBAL, summary="Get a push action"
)
def get_action(actionId: ActionIdPath) -> Envelope[PushAction]:
    """One recorded action; its `actionId` is `<messageId>_<action>`. An unknown one is a 404 naming `actionId`."""
    return Envelope(data=service.get_action(caller(router), actionId))
