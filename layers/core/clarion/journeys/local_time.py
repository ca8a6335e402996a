"""The next occurrence of a local time of day in a time zone, DST-correct (zoneinfo)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None) -> ZoneInfo:
    """The subscriber's zone; an unknown or absent name is UTC."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_local_time(now: datetime, time_of_day: str, timezone: str | None) -> datetime:
    """The first instant after `now` whose wall clock in `timezone` reads `time_of_day` (`HH:MM`), in UTC.

    A wall time skipped by a spring-forward change (02:30 that night) is read with the offset before the change
    (03:30 after it); one repeated by a fall-back change is its first occurrence (fold 0).
    """
    tz = zone(timezone)
    hour, minute = (int(part) for part in time_of_day.split(":"))
    local_now = now.astimezone(tz)
    for days in range(3):
        day = local_now.date() + timedelta(days=days)
        candidate = datetime.combine(day, time(hour, minute)).replace(tzinfo=tz, fold=0)
        if candidate > now:
            return candidate.astimezone(UTC)
    raise AssertionError("a local time of day recurs within two days")
