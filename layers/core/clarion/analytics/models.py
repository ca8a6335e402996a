"""Analytics on the wire: session and location hits (sent in batches), and the figures over a time range."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from clarion.audience.models import FailedHit
from clarion.audience.names import DeviceId
from clarion.models import Model, Request, SubscriberId

MAX_HITS = 100
MAX_SESSION_SECONDS = 7 * 24 * 3600
HitId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f#\s]+$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
City = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f#|]+$")]
Granularity = Literal["hour", "day", "week", "month"]
Figure = Literal["newUsers", "sessions", "uniqueSessions", "sessionTime", "averageSessionTime"]
COORDINATE_DECIMALS = 1
"""Coordinates are kept to one decimal (about 11 km): a town, never an address."""


class _UserHit(Request):
    subscriberId: SubscriberId | None = Field(default=None, description="The profile's id; or give deviceId")
    deviceId: DeviceId | None = Field(default=None, description="The device's id, for a user without a profile")
    timestamp: str | None = Field(
        default=None, max_length=40, description="When it happened (ISO 8601 with an offset or Z); now if absent"
    )

    @model_validator(mode="after")
    def _one_user(self) -> "_UserHit":
        if (self.subscriberId is None) == (self.deviceId is None):
            raise ValueError("give exactly one of subscriberId and deviceId")
        return self

    @property
    def user(self) -> str:
        """The user a hit counts for: its profile, else its device."""
        return f"s:{self.subscriberId}" if self.subscriberId is not None else f"d:{self.deviceId}"


class SessionHit(_UserHit):
    """The start or the end of an app session; each is counted once however often it is sent."""

    sessionId: HitId = Field(description="The SDK's id for the session, the same in its start and its end")
    type: Literal["start", "end"]
    duration: int | None = Field(
        default=None,
        ge=0,
        le=MAX_SESSION_SECONDS,
        description="An end's length in seconds; absent: the time since the session's start",
    )

    @model_validator(mode="after")
    def _duration_on_end(self) -> "SessionHit":
        if self.duration is not None and self.type != "end":
            raise ValueError("duration is given on a session's end only")
        return self


class LocationHit(_UserHit):
    """Where a user is, coarsely: latitude and longitude (kept to one decimal, ~11 km) and/or country and city."""

    hitId: HitId | None = Field(default=None, description="The SDK's id for the hit: one sent again is counted once")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code, upper case")
    city: City | None = None

    @field_validator("latitude", "longitude", mode="after")
    @classmethod
    def _coarse(cls, value: float | None) -> float | None:
        return None if value is None else round(value, COORDINATE_DECIMALS)

    @model_validator(mode="after")
    def _somewhere(self) -> "LocationHit":
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give latitude and longitude together")
        if self.latitude is None and self.country is None:
            raise ValueError("give latitude and longitude, or a country")
        if self.city is not None and self.country is None:
            raise ValueError("a city needs its country")
        return self


class SessionHitBatch(Request):
    hits: list[SessionHit] = Field(min_length=1, max_length=MAX_HITS)


class LocationHitBatch(Request):
    hits: list[LocationHit] = Field(min_length=1, max_length=MAX_HITS)


class HitBatchResult(Model):
    recorded: int = Field(description="Hits counted now")
    duplicates: int = Field(description="Hits already counted before (a batch sent again): not counted twice")
    failed: list[FailedHit] = Field(description="Hits refused, each with its position in `hits`")


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
