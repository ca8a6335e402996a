"""POST /v1/campaigns/{campaignId}/preview: a step rendered for a subscriber and payload, nothing sent."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.layouts.preview import Preview, PreviewRequest, preview_step
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId

router = APIGatewayHttpRouter()
CampaignId = Annotated[ObjectId, Path(description="The campaign's id")]


@endpoint(
    router,
    "POST /v1/campaigns/{campaignId}/preview",
    scope="info:campaign",
    rate=RouteClass.GLOBAL,
    summary="Render a step for a subscriber and payload as it would be sent, without sending",
)
def preview_campaign(campaignId: CampaignId, body: PreviewRequest) -> Envelope[Preview]:
    """Renders step `stepIndex` for a stored subscriber (`subscriberId`) or one described inline (`subscriber`), with
    `payload` and `locale`, exactly as it would be sent (an email inside its layout). Nothing is written or queued,
    whatever the campaign's status; a template that does not render is a 422 naming the step field, an unknown campaign
    or subscriber a 404."""
    return Envelope(data=preview_step(caller(router), campaignId, body))
