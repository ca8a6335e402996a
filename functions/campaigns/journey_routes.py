"""/v1/campaigns/{campaignId}/cancel-journey and /runs: the runs of a journey campaign (clarion.journeys)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.journeys.models import CancelJourneyRequest, CancelJourneyResult, JourneyRun
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId, SubscriberId

router = APIGatewayHttpRouter()
CampaignId = Annotated[ObjectId, Path(description="The campaign's id")]


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/cancel-journey",
    scope="campaign:cancel_journey",
    rate=RouteClass.GLOBAL,
    summary="Stop the journey for subscribers given by id, email or phone: nothing more is sent to them",
)
def cancel_journey(campaignId: CampaignId, body: CancelJourneyRequest) -> Envelope[CancelJourneyResult]:
    """Cancels every running run of the journey for 1-100 subscribers given by `subscriberId`, `email` (any case) or
    `phone`: a wait in progress is interrupted and nothing after it is sent. Answers how many were cancelled, already
    cancelled or already completed; an unknown campaign is a 404."""
    from clarion.journeys import service  # noqa: PLC0415 - the runs' state machines, off the cold start

    return Envelope(data=service.cancel_journey(caller(router), campaignId, body))


@endpoint(
    router,
    "GET /v1/campaigns/{campaignId}/runs",
    scope="info:campaign",
    rate=RouteClass.GLOBAL,
    summary="A subscriber's runs of the journey, newest first",
)
def list_runs(
    campaignId: CampaignId,
    subscriberId: Annotated[SubscriberId, Query(description="Whose runs")],
    limit: Annotated[int, Query(ge=1, le=100, description="Runs at most")] = 20,
) -> Envelope[list[JourneyRun]]:
    """The subscriber's runs of the journey (up to `limit`, newest first), each with its status, current step and the
    history of its steps' outcomes. An unknown campaign is a 404."""
    from clarion.journeys import service  # noqa: PLC0415 - the runs' state machines, off the cold start

    return Envelope(data=service.list_runs(caller(router), campaignId, subscriberId, limit))
