"""Triggers: the client campaign trigger (`POST /api/client/campaigns/{campaignId}/trigger`) and Novu's events
API (trigger, bulk, broadcast, cancel). Every route honours an `Idempotency-Key` header (clarion.engine.idempotency)."""

from __future__ import annotations

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
)
from clarion.engine.wire import TriggerEventResult
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
    """Upserts the user (its `external_id` is the subscriberId) and sends it the campaign with `event` as the payload,
    answering 204 once the send is queued. Missing the contact the campaign's channels need is a 422 naming the field,
    an unknown campaign a 404, an inactive one a 409, an `event` over 64 KB a 413."""
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
    """Novu's trigger: sends the campaign whose identifier is `name` to `to` (subscribers, upserted when given as
    objects; topics; a list; a segment) with `payload`, `actor`, `tenant` and `overrides`, answering once one dispatch
    job is queued, whatever the audience's size. An unknown `name` is Novu's 422 `workflow_not_found`, an inactive
    campaign answers `trigger_not_active`, a repeated `transactionId` is a 409; an `Idempotency-Key` header replays the
    first answer for the same key and body."""
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
    """Triggers 1-100 events, each as `POST /v1/events/trigger` does, and answers one result per event in order. A
    refused event answers `{acknowledged: false, status: "error", error}` and the others still go out."""
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
    """Sends the campaign whose identifier is `name` to every subscriber of the environment, with `payload`, answering
    once the fan-out is queued. Takes an `Idempotency-Key` header as `POST /v1/events/trigger` does."""
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
    """Stops the trigger's fan-out, turns its `queued` messages `cancelled` and cancels its running journey runs.
    Answers true when something was cancelled, false when all was already sent or the transactionId is unknown, as Novu
    does."""
    from clarion.journeys import service as journeys  # noqa: PLC0415 - cold start

    return Envelope(data=journeys.cancel_trigger(caller(router), transactionId))
