"""/v1/analytics: campaign statistics per day, and app usage (new users, sessions, session time, locations) per
period of a time range in a time zone, read from hourly rollups."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from activity.activity_routes import comma_separated
from clarion.activity.analytics import AnalyticsReport, campaign_analytics
from clarion.analytics import report
from clarion.analytics.models import Figure, FigureSeries, Granularity, Locations, Overview
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


def _figure(
    name: Figure, from_: Day | None, to: Day | None, granularity: Granularity, timezone: str
) -> Envelope[FigureSeries]:
    return Envelope(
        data=report.figure(caller(router), name, since=from_, until=to, granularity=granularity, timezone=timezone)
    )


@endpoint(
    router, "GET /v1/analytics/new-users", scope="analytics", rate=RouteClass.GLOBAL, summary="New users per period"
)
def new_users(
    from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
) -> Envelope[FigureSeries]:
    """Users seen for the first time (their first session start), per period of the range and over it."""
    return _figure("newUsers", from_, to, granularity, timezone)


@endpoint(
    router, "GET /v1/analytics/sessions", scope="analytics", rate=RouteClass.GLOBAL, summary="Sessions per period"
)
def total_sessions(
    from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
) -> Envelope[FigureSeries]:
    """Sessions started, per period of the range and over it."""
    return _figure("sessions", from_, to, granularity, timezone)


@endpoint(
    router,
    "GET /v1/analytics/unique-sessions",
    scope="analytics",
    rate=RouteClass.GLOBAL,
    summary="Distinct users with a session, per period",
)
def unique_sessions(
    from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
) -> Envelope[FigureSeries]:
    """Distinct users who started a session, per period and over the range (each user counted once over it): a
    HyperLogLog estimate, exact but for rare collisions below ~5,000 users, within ±2.3 % above."""
    return _figure("uniqueSessions", from_, to, granularity, timezone)


@endpoint(
    router,
    "GET /v1/analytics/session-time",
    scope="analytics",
    rate=RouteClass.GLOBAL,
    summary="Total session time per period, in seconds",
)
def session_time(
    from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
) -> Envelope[FigureSeries]:
    """Seconds of the sessions ended, counted in the period each started, per period and over the range."""
    return _figure("sessionTime", from_, to, granularity, timezone)


@endpoint(
    router,
    "GET /v1/analytics/average-session-time",
    scope="analytics",
    rate=RouteClass.GLOBAL,
    summary="Average session time per period, in seconds",
)
def average_session_time(
    from_: RangeFrom = None, to: RangeTo = None, granularity: Period = "day", timezone: TimeZone = "UTC"
) -> Envelope[FigureSeries]:
    """The session time of a period divided by its sessions ended (0 without any), per period and over the range."""
    return _figure("averageSessionTime", from_, to, granularity, timezone)


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
