"""/v1/campaigns/{campaignId}/…: the campaign operations (send, execute, start, stop, expire and
remove inbox messages)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.campaigns.models import Campaign
from clarion.campaigns.operation_models import (
    ExecuteCampaignRequest,
    ExecuteResult,
    ExpireInboxResult,
    RemoveInboxRequest,
    RemoveInboxResult,
    SendCampaignRequest,
)
from clarion.engine.wire import TriggerEventResult
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId

router = APIGatewayHttpRouter()
CampaignId = Annotated[ObjectId, Path(description="The campaign's id")]


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/send",
    scope="campaign:send",
    rate=RouteClass.TRIGGER,
    status_code=202,
    summary="Send the campaign to its audience",
)
def send_campaign(
    campaignId: CampaignId, body: Annotated[SendCampaignRequest | None, Body()] = None
) -> Envelope[TriggerEventResult]:
    """Accepts the send (202) and fans it out asynchronously to the campaign's own `audience`: one notification under
    `transactionId`, followed with `GET /v1/notifications/{transactionId}`. A campaign that is not active is a 409
    naming `status`; an empty audience, or a list or segment that no longer exists, a 422 naming `audience`."""
    request = body or SendCampaignRequest()
    from clarion.campaigns import operations  # noqa: PLC0415 - the trigger engine, off the cold start

    return Envelope(data=operations.send_campaign(caller(router), campaignId, request))


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/execute",
    scope="campaign:execute",
    rate=RouteClass.TRIGGER,
    status_code=202,
    summary="Send the campaign to given targets, each with its own payload (asynchronous; an id per target)",
)
def execute_campaign(campaignId: CampaignId, body: ExecuteCampaignRequest) -> Envelope[ExecuteResult]:
    """Validates all 1-1000 targets first (a 422 naming e.g. `targets[3].user.email`), then answers 202 at once with one
    id per target; the upserts and sends run asynchronously. Each target's `id` is the `transactionId` of its
    notification and messages."""
    from clarion.campaigns import operations  # noqa: PLC0415 - the trigger engine, off the cold start

    return Envelope(data=operations.execute_campaign(caller(router), campaignId, body))


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/start",
    scope="campaign:start",
    rate=RouteClass.CONFIGURATION,
    summary="Start a draft, paused or stopped campaign",
)
def start_campaign(campaignId: CampaignId) -> Envelope[Campaign]:
    """A draft, paused or stopped campaign becomes active; only what is triggered after the start is sent. Starting an
    active campaign changes nothing (a retried start is safe); a completed campaign is a 409 naming `status`."""
    from clarion.campaigns import operations  # noqa: PLC0415 - the trigger engine, off the cold start

    return Envelope(data=operations.start_campaign(caller(router), campaignId))


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/stop",
    scope="campaign:stop",
    rate=RouteClass.CONFIGURATION,
    summary="Stop an active or paused campaign: triggers refused, queued messages cancelled",
)
def stop_campaign(campaignId: CampaignId) -> Envelope[Campaign]:
    """An active or paused campaign becomes stopped: its triggers are refused and messages still queued are cancelled
    (visible as `cancelled` in `/v1/messages`). Stopping a stopped campaign changes nothing; a draft or completed one is
    a 409 naming `status`."""
    from clarion.campaigns import operations  # noqa: PLC0415 - the trigger engine, off the cold start

    return Envelope(data=operations.stop_campaign(caller(router), campaignId))


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/expire-inbox",
    scope="campaign:expire_inbox",
    rate=RouteClass.GLOBAL,
    summary="End the campaign's in-app messages: they leave every feed and unseen count",
)
def expire_inbox(campaignId: CampaignId) -> Envelope[ExpireInboxResult]:
    """Every in-app message of the campaign delivered until now leaves every feed and unseen count at once; later sends
    of the campaign show again. A campaign without an in-app step is a 422 naming `steps`."""
    from clarion.campaigns import operations  # noqa: PLC0415 - the trigger engine, off the cold start

    return Envelope(data=operations.expire_inbox(caller(router), campaignId))


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/remove-inbox",
    scope="campaign:remove_inbox",
    rate=RouteClass.GLOBAL,
    summary="Remove the campaign's in-app messages by id or by subscriber (per-item results)",
)
def remove_inbox(campaignId: CampaignId, body: RemoveInboxRequest) -> Envelope[RemoveInboxResult]:
    """Removes this campaign's in-app messages given by `messageIds` or by `subscriberIds` (up to 100 each), with a
    result per item (`removed` or `not_found`); a message still queued is cancelled instead."""
    from clarion.campaigns import operations  # noqa: PLC0415 - the trigger engine, off the cold start

    return Envelope(data=operations.remove_inbox(caller(router), campaignId, body))
