"""/v1/analytics: campaign statistics per day, and app usage (new users, sessions, session time, locations) per
period of a time range in a time zone, read from hourly rollups."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from activity.activity_routes import comma_separated
from clarion.activity.analytics import AnalyticsReport, campaign_analytics
from clarion.analytics import report
from clarion.analytics.models import Figure, FigureSeries, Locations, Overview
from clarion.analytics.periods import Granularity
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


RangeFrom = Annotated[
    Day | None, Query(alias="from", description="First day (yyyy-mm-dd) in `timezone`; default: 6 days before `to`")
]
RangeTo = Annotated[
    Day | None,
    Query(
        description="Last day (yyyy-mm-dd) in `timezone`, included; default: today. At most 31 days by hour, 366 else"
    ),
]
Period = Annotated[Granularity, Query(description="The length of each point of the series: hour, day, week or month")]
TimeZone = Annotated[
    str, Query(min_length=1, max_length=64, description="IANA time zone of the days and periods, e.g. Europe/Paris")
]


class _FigureRoute(NamedTuple):
    """A usage figure's route: its path under /v1/analytics, the figure it reads, and its OpenAPI text (`name` is the
    route function's, Powertools' operationId)."""

    path: str
    figure: Figure
    name: str
    summary: str
    description: str


_FIGURE_ROUTES = (
    _FigureRoute(
        path="new-users",
        figure="newUsers",
        name="new_users",
        summary="New users per period",
        description="Users seen for the first time (their first session start), per period of the range and over it.",
    ),
    _FigureRoute(
        path="sessions",
        figure="sessions",
        name="total_sessions",
        summary="Sessions per period",
        description="Sessions started, per period of the range and over it.",
    ),
    _FigureRoute(
        path="unique-sessions",
        figure="uniqueSessions",
        name="unique_sessions",
        summary="Distinct users with a session, per period",
        description=(
            "Distinct users who started a session, per period and over the range (each user counted once over it): a\n"
            "HyperLogLog estimate, exact but for rare collisions below ~5,000 users, within ±2.3 % above."
        ),
    ),
    _FigureRoute(
        path="session-time",
        figure="sessionTime",
        name="session_time",
        summary="Total session time per period, in seconds",
        description="Seconds of the sessions ended, counted in the period each started, per period and over the range.",
    ),
    _FigureRoute(
        path="average-session-time",
        figure="averageSessionTime",
        name="average_session_time",
        summary="Average session time per period, in seconds",
        description=(
            "The session time of a period divided by its sessions ended (0 without any), per period and over the range."
        ),
    ),
)


def _declare_figure_route(row: _FigureRoute) -> None:
    def route(
        from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
    ) -> Envelope[FigureSeries]:
        found = report.figure(
            caller(router), row.figure, since=from_, until=to, granularity=granularity, timezone=timezone
        )
        return Envelope(data=found)

    route.__name__ = route.__qualname__ = row.name
    route.__doc__ = row.description
    endpoint(router, f"GET /v1/analytics/{row.path}", scope="analytics", rate=RouteClass.GLOBAL, summary=row.summary)(
        route
    )


for _figure_route in _FIGURE_ROUTES:
    _declare_figure_route(_figure_route)


@endpoint(
    router,
    "GET /v1/analytics/overview",
    scope="analytics",
    rate=RouteClass.GLOBAL,
    summary="New users, sessions, unique sessions, session time and average session time in one request",
)
def overview(
    from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
) -> Envelope[Overview]:
    """The five usage figures per period of the range, and over the whole range, from one read of the rollups."""
    return Envelope(
        data=report.overview(caller(router), since=from_, until=to, granularity=granularity, timezone=timezone)
    )


@endpoint(
    router, "GET /v1/analytics/locations", scope="analytics", rate=RouteClass.GLOBAL, summary="Location hits per period"
)
def locations(
    from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
) -> Envelope[Locations]:
    """Location hits per period, and the places (coarse coordinates, or country and city) hit most over the range."""
    return Envelope(
        data=report.locations(caller(router), since=from_, until=to, granularity=granularity, timezone=timezone)
    )
