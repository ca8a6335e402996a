"""Triggers: seed 003's `POST /api/client/campaigns/{campaignId}/trigger` and Novu's `POST /v1/events/trigger`."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.engine import triggers
from clarion.engine.models import CampaignTriggerRequest, EventTriggerRequest, TriggerEventResult
from clarion.models import Envelope, SubscriberId

router = APIGatewayHttpRouter()
CampaignId = Annotated[SubscriberId, Path(description="The campaign's id")]


@endpoint(
    router,
    "POST /api/client/campaigns/{campaignId}/trigger",
    status_code=204,
    summary="Send an active campaign to one user, upserted from `user` (seed 003)",
)
def trigger_campaign(campaignId: CampaignId, body: CampaignTriggerRequest) -> Response[None]:
    triggers.trigger_campaign_for_user(caller(router), campaignId, body)
    return Response(204)


@endpoint(router, "POST /v1/events/trigger", status_code=201, summary="Trigger a campaign by its identifier (Novu)")
def trigger_event(body: EventTriggerRequest) -> Envelope[TriggerEventResult]:
    return Envelope(data=triggers.trigger_event(caller(router), body))
