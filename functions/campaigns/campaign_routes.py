"""/v1/campaigns: campaigns (Novu's workflows), their audience and their channel steps."""

from __future__ import annotations

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
    """A campaign is an audience (subscribers, topics, a list, a segment or everyone) and steps: channel messages whose
    content is a Jinja template, and journey steps (waits, branches, digests...). Its `identifier` (by default a slug of
    the name) is the Novu trigger `name`, unique per environment (a 409); a template that does not parse is a 422 naming
    the step field and line."""
    return Envelope(data=service.create_campaign(caller(router), body))


@endpoint(
    router,
    "GET /v1/campaigns",
    scope="list:campaign",
    rate=RouteClass.GLOBAL,
    summary="List the environment's campaigns, newest first (by id)",
)
def list_campaigns(limit: Limit = 20, cursor: PageCursor = None) -> CursorPage[Campaign]:
    """Clarion's cursor paging (`limit`, `cursor`): pass `nextCursor` back as `cursor` until `hasMore` is false.
    Workflows created through `/v1/workflows` are listed too."""
    campaigns, next_cursor = service.list_campaigns(caller(router), limit=limit, cursor=cursor)
    return CursorPage(data=campaigns, limit=limit, hasMore=next_cursor is not None, nextCursor=next_cursor)


@endpoint(
    router, "GET /v1/campaigns/{campaignId}", scope="info:campaign", rate=RouteClass.GLOBAL, summary="Get a campaign"
)
def get_campaign(campaignId: CampaignId) -> Envelope[Campaign]:
    """The campaign with its audience, steps and status; a workflow's Handlebars show as their Jinja translation. An
    unknown id, or another environment's campaign, is a 404."""
    return Envelope(data=service.get_campaign(caller(router), campaignId))


@endpoint(
    router,
    "PUT /v1/campaigns/{campaignId}",
    scope="update:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Change a campaign's fields (a completed one is final)",
)
def update_campaign(campaignId: CampaignId, body: UpdateCampaignRequest) -> Envelope[Campaign]:
    """Changes the fields given, checked as on create. A completed campaign is final and a change racing another change
    of the campaign loses: both are 409s; an unknown campaign is a 404."""
    return Envelope(data=service.update_campaign(caller(router), campaignId, body))
