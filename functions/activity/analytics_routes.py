"""/v1/analytics/campaigns: campaign statistics per day (the analytics operation)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from activity.activity_routes import comma_separated
from clarion.activity.analytics import AnalyticsReport, campaign_analytics
from clarion.api import caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Day, Envelope

router = APIGatewayHttpRouter()
CampaignIds = Annotated[
    str | None, Query(description="Comma-separated campaign ids; absent: every campaign of the environment")
]
From = Annotated[
    Day | None, Query(alias="from", description="First day (yyyy-mm-dd, UTC); default: 6 days before `to`")
]
To = Annotated[
    Day | None, Query(description="Last day (yyyy-mm-dd, UTC), at most 93 days after `from`; default: today")
]


@endpoint(
    router,
    "GET /v1/analytics/campaigns",
    scope="analytics",
    rate=RouteClass.GLOBAL,
    summary="Statistics of every campaign or of some, per day",
)
def campaign_statistics(
    campaignIds: CampaignIds = None, from_: From = None, to: To = None
) -> Envelope[AnalyticsReport]:
    """Per campaign (`campaignIds`, comma-separated, or every campaign) and per UTC day from `from` to `to` (default the
    last 7 days, at most 93): messages sent, failed, filtered, skipped, cancelled and pending, and push opens, clicks
    and dismissals. Message counts are rolled up after each day ends, push actions counted live; a bad date or range is
    a 422, an unknown campaign a 404."""
    ids = comma_separated(campaignIds, field="campaignIds")
    return Envelope(data=campaign_analytics(caller(router), ids, from_, to))
