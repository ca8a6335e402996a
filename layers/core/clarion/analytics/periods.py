"""The time range of an analytics query: days in a time zone, cut into hour/day/week/month periods over the UTC
hours that the rollups are kept by.

An hour belongs to the period holding its local start. In a zone whose offset is a whole number of hours a period
is exactly its hours; in a half-hour zone (Asia/Kolkata, +05:30) each period starts and ends half an hour late
(a Kolkata day is the UTC hours starting 00:30 to 23:30 local), and in a 45-minute zone a quarter of an hour early.
Days of a daylight-saving change have 23 or 25 hours.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clarion import clock
from clarion.errors import ValidationFailed

Granularity = Literal["hour", "day", "week", "month"]
DEFAULT_DAYS = 7
MAX_DAYS: dict[str, int] = {"hour": 31, "day": 366, "week": 366, "month": 366}
HOUR = timedelta(hours=1)


def hour_key(moment: datetime) -> str:
    """The UTC hour a moment falls in, as rollups are keyed: `yyyy-mm-ddThh`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed("not a time zone of the IANA database", field="timezone", value=name) from None


@dataclass(frozen=True)
class Range:
    since: date
    until: date
    granularity: Granularity
    timezone: str

    @classmethod
    def of(cls, since: date | None, until: date | None, granularity: Granularity, timezone: str) -> "Range":
        """The days asked for (by default the last DEFAULT_DAYS in the zone, today included), within the limit of
        the granularity."""
        zone = zone_of(timezone)
        if until is None:
            until = since + timedelta(days=DEFAULT_DAYS - 1) if since else clock.utc_now().astimezone(zone).date()
        if since is None:
            since = until - timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            raise ValidationFailed("from is after to", field="from", value=since.isoformat())
        if (until - since).days + 1 > MAX_DAYS[granularity]:
            message = f"at most {MAX_DAYS[granularity]} days at a time by {granularity}"
            raise ValidationFailed(message, field="to", value=until.isoformat())
        return cls(since, until, granularity, timezone)

    @cached_property
    def zone(self) -> ZoneInfo:
        return zone_of(self.timezone)

    @cached_property
    def hours(self) -> list[datetime]:
        """The UTC hours whose local start is in the range, oldest first."""
        start = datetime.combine(self.since, time(), self.zone).astimezone(UTC)
        end = datetime.combine(self.until + timedelta(days=1), time(), self.zone).astimezone(UTC)
        hour = start.replace(minute=0, second=0, microsecond=0)
        hour += HOUR if hour < start else timedelta()
        found = []
        while hour < end:
            found.append(hour)
            hour += HOUR
        return found

    def period_of(self, hour: datetime) -> str:
        """The start of the period an hour belongs to, ISO 8601 in the zone."""
        local = hour.astimezone(self.zone)
        if self.granularity == "hour":
            return local.isoformat()
        day = local.date()
        if self.granularity == "week":
            day -= timedelta(days=day.weekday())
        elif self.granularity == "month":
            day = day.replace(day=1)
        return datetime.combine(day, time(), self.zone).isoformat()

    def periods(self) -> dict[str, list[str]]:
        """Each period's start -> the keys of its UTC hours, oldest first."""
        found: dict[str, list[str]] = {}
        for hour in self.hours:
            found.setdefault(self.period_of(hour), []).append(hour_key(hour))
        return found
