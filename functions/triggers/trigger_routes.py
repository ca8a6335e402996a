"""Triggers: the client campaign trigger (`POST /api/client/campaigns/{campaignId}/trigger`) and Novu's events
API (trigger, bulk, broadcast, cancel). Every route honours an `Idempotency-Key` header (clarion.engine.idempotency)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.engine import triggers
from clarion.engine.idempotency import idempotent_requests
from clarion.engine.models import (
    BroadcastRequest,
    BulkTriggerRequest,
    CampaignTriggerRequest,
    EventTriggerRequest,
    FailedTriggerResult,
    TriggerEventResult,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, SubscriberId

router = APIGatewayHttpRouter()
router.use([idempotent_requests])
CampaignId = Annotated[SubscriberId, Path(description="The campaign's id")]
TransactionId = Annotated[SubscriberId, Path(description="The transactionId the trigger answered")]


@endpoint(
    router,
    "POST /api/client/campaigns/{campaignId}/trigger",
    scope="campaign:trigger",
    rate=RouteClass.TRIGGER,
    status_code=204,
    summary="Send an active campaign to one user, upserted from `user`",
)
def trigger_campaign(campaignId: CampaignId, body: CampaignTriggerRequest) -> Response[None]:
    triggers.trigger_campaign_for_user(caller(router), campaignId, body)
    return Response(204)


@endpoint(
    router,
    "POST /v1/events/trigger",
    scope="campaign:trigger",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Trigger a campaign by its identifier (Novu)",
)
def trigger_event(body: EventTriggerRequest) -> Envelope[TriggerEventResult]:
    return Envelope(data=triggers.trigger_event(caller(router), body))


@endpoint(
    router,
    "POST /v1/events/trigger/bulk",
    scope="campaign:trigger",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Trigger up to 100 events at once (Novu)",
)
def trigger_bulk(body: BulkTriggerRequest) -> Envelope[list[TriggerEventResult | FailedTriggerResult]]:
    return Envelope(data=triggers.trigger_bulk(caller(router), body))


@endpoint(
    router,
    "POST /v1/events/trigger/broadcast",
    scope="campaign:trigger",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Trigger a campaign to every subscriber of the environment (Novu)",
)
def broadcast(body: BroadcastRequest) -> Envelope[TriggerEventResult]:
    return Envelope(data=triggers.broadcast(caller(router), body))


@endpoint(
    router,
    "DELETE /v1/events/trigger/{transactionId}",
    scope="campaign:trigger",
    rate=RouteClass.TRIGGER,
    summary="Cancel what of a trigger has not been sent yet; false when nothing was left to cancel (Novu)",
)
def cancel_trigger(transactionId: TransactionId) -> Envelope[bool]:
    # the journeys' code (~19 ms of import) stays off the triggers' cold start: few calls cancel
    from clarion.journeys import service as journeys  # noqa: PLC0415 - cold start

    return Envelope(data=journeys.cancel_trigger(caller(router), transactionId))
