"""Session and location hits on the wire, sent in batches by an app's SDK (the hits function). The figures they make
are `analytics.models`."""

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
