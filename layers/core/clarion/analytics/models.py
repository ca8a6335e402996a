"""Analytics on the wire: the figures over a time range (the hits they are made of are `analytics.hit_models`)."""

from typing import Literal

from pydantic import Field

from clarion.analytics.periods import Granularity
from clarion.models import Model

Figure = Literal["newUsers", "sessions", "uniqueSessions", "sessionTime", "averageSessionTime"]


class Point(Model):
    start: str = Field(description="The period's start, ISO 8601 in the requested time zone")
    value: float


class RangeAnswer(Model):
    """What every analytics answer says of the range it covers."""

    from_: str = Field(alias="from", serialization_alias="from", description="First day, included")
    to: str = Field(description="Last day, included")
    granularity: Granularity
    timezone: str

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


class FigureSeries(RangeAnswer):
    figure: Figure
    series: list[Point] = Field(description="Every period of the range, oldest first (zero where nothing happened)")
    total: float = Field(description="The figure over the whole range (distinct users counted once over it)")


class Figures(Model):
    newUsers: int = Field(description="Users seen for the first time")
    sessions: int = Field(description="Sessions started")
    uniqueSessions: int = Field(description="Distinct users who started a session (a HyperLogLog estimate, ±2.3 %)")
    sessionTime: int = Field(description="Seconds of the sessions ended, counted in the period they started")
    averageSessionTime: float = Field(description="sessionTime ÷ the sessions ended; 0 without any")


class OverviewPoint(Figures):
    start: str = Field(description="The period's start, ISO 8601 in the requested time zone")


class Overview(RangeAnswer):
    series: list[OverviewPoint]
    totals: Figures


class Place(Model):
    country: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    hits: int


class Locations(RangeAnswer):
    series: list[Point] = Field(description="Location hits per period")
    places: list[Place] = Field(description="The places hit in the range, most hits first (at most 100)")
    total: int
