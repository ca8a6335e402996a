"""/v1/campaigns: campaigns (Novu's workflows), their audience and their channel steps."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageCursor, caller, endpoint
from clarion.campaigns import service
from clarion.campaigns.models import Campaign, CreateCampaignRequest, UpdateCampaignRequest
from clarion.limits import RouteClass
from clarion.models import CursorPage, Envelope, ObjectId

router = APIGatewayHttpRouter()
CampaignId = Annotated[ObjectId, Path(description="The campaign's id")]


@endpoint(
    router,
    "POST /v1/campaigns",
    scope="create:campaign",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a campaign with its audience and steps",
)
def create_campaign(body: CreateCampaignRequest) -> Envelope[Campaign]:
    return Envelope(data=service.create_campaign(caller(router), body))


@endpoint(
    router,
    "GET /v1/campaigns",
    scope="list:campaign",
    rate=RouteClass.GLOBAL,
    summary="List the environment's campaigns, newest first (by id)",
)
def list_campaigns(limit: Limit = 20, cursor: PageCursor = None) -> CursorPage[Campaign]:
    campaigns, next_cursor = service.list_campaigns(caller(router), limit=limit, cursor=cursor)
    return CursorPage(data=campaigns, limit=limit, hasMore=next_cursor is not None, nextCursor=next_cursor)


@endpoint(
    router, "GET /v1/campaigns/{campaignId}", scope="info:campaign", rate=RouteClass.GLOBAL, summary="Get a campaign"
)
def get_campaign(campaignId: CampaignId) -> Envelope[Campaign]:
    return Envelope(data=service.get_campaign(caller(router), campaignId))


@endpoint(
    router,
    "PUT /v1/campaigns/{campaignId}",
    scope="update:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Change a campaign's fields (a completed one is final)",
)
def update_campaign(campaignId: CampaignId, body: UpdateCampaignRequest) -> Envelope[Campaign]:
    return Envelope(data=service.update_campaign(caller(router), campaignId, body))
