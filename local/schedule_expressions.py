"""EventBridge / EventBridge Scheduler schedule expressions: rate(), 6-field cron() and at()."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {name.upper(): index for index, name in enumerate(calendar.month_abbr) if name}
_DAYS = {name.upper(): index for index, name in enumerate(("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"), 1)}
_SEARCH_DAYS = 366 * 5


class Expression:
    one_time = False

    def next_after(self, after: datetime, anchor: datetime) -> datetime | None:
        """The first occurrence strictly after `after` (aware UTC); `anchor` is when the schedule started."""
        raise NotImplementedError


@dataclass(frozen=True)
class Rate(Expression):
    seconds: int

    def next_after(self, after: datetime, anchor: datetime) -> datetime | None:
        periods = max(0, int((after - anchor).total_seconds() // self.seconds) + 1)
        return anchor + timedelta(seconds=periods * self.seconds)


@dataclass(frozen=True)
class At(Expression):
    when: datetime
    one_time = True

    def next_after(self, after: datetime, anchor: datetime) -> datetime | None:
        return self.when if self.when > after else None


@dataclass(frozen=True)
class Cron(Expression):
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: str
    months: frozenset[int]
    day_of_week: str
    years: frozenset[int]
    zone: ZoneInfo

    def next_after(self, after: datetime, anchor: datetime) -> datetime | None:
        local = after.astimezone(self.zone)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            if day.year in self.years and day.month in self.months and self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
                        if candidate.astimezone(UTC) > after:
                            return candidate.astimezone(UTC)
            day += timedelta(days=1)
        return None

    def _day_matches(self, day: date) -> bool:
        if self.day_of_month != "?":
            return _day_of_month_matches(self.day_of_month, day)
        return _day_of_week_matches(self.day_of_week, day)


def parse(expression: str, timezone: str | None = "UTC") -> Expression:
    expression = expression.strip()
    zone = ZoneInfo(timezone or "UTC")
    if match := _RATE.match(expression):
        value, unit = int(match.group(1)), match.group(2).rstrip("s")
        if value <= 0:
            raise ValueError(f"invalid rate: {expression}")
        return Rate(value * _UNIT_SECONDS[unit])
    if match := _AT.match(expression):
        return At(datetime.fromisoformat(match.group(1)).replace(tzinfo=zone).astimezone(UTC))
    if match := _CRON.match(expression):
        fields = match.group(1).split()
        if len(fields) != 6:
            raise ValueError(f"cron() takes 6 fields (minutes hours day-of-month month day-of-week year): {expression}")
        minute, hour, day_of_month, month, day_of_week, year = fields
        if (day_of_month == "?") == (day_of_week == "?"):
            raise ValueError(f"cron(): exactly one of day-of-month and day-of-week must be '?': {expression}")
        return Cron(
            minutes=_values(minute, 0, 59),
            hours=_values(hour, 0, 23),
            day_of_month=day_of_month.upper(),
            months=_values(month, 1, 12, _MONTHS),
            day_of_week=day_of_week.upper(),
            years=_values(year, 1970, 2199),
            zone=zone,
        )
    raise ValueError(f"unsupported schedule expression: {expression}")


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    values: set[int] = set()
    for part in field.upper().split(","):
        values.update(_range(part, low, high, names or {}))
    if not values or min(values) < low or max(values) > high:
        raise ValueError(f"cron field out of range: {field}")
    return frozenset(values)


def _range(part: str, low: int, high: int, names: dict[str, int]) -> range:
    body, _, step_text = part.partition("/")
    step = int(step_text) if step_text else 1
    if body in ("*", "?"):
        return range(low, high + 1, step)
    start_text, _, end_text = body.partition("-")
    start = _number(start_text, names)
    end = _number(end_text, names) if end_text else (high if step_text else start)
    return range(start, end + 1, step)


def _number(text: str, names: dict[str, int]) -> int:
    return names[text[:3]] if text[:3] in names else int(text)


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1


def _day_of_month_matches(field: str, day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if field == "*":
        return True
    if field == "L":
        return day.day == last
    if field == "LW":
        return day == _nearest_weekday(date(day.year, day.month, last))
    if field.endswith("W"):
        return day == _nearest_weekday(date(day.year, day.month, min(int(field[:-1]), last)))
    return day.day in _values(field, 1, 31)


def _nearest_weekday(target: date) -> date:
    if target.weekday() == 5:
        return target - timedelta(days=1) if target.day > 1 else target + timedelta(days=2)
    if target.weekday() == 6:
        last = calendar.monthrange(target.year, target.month)[1]
        return target + timedelta(days=1) if target.day < last else target - timedelta(days=2)
    return target


def _day_of_week_matches(field: str, day: date) -> bool:
    weekday = _aws_weekday(day)
    if field == "L":
        return weekday == 7
    if field.endswith("L"):
        last = calendar.monthrange(day.year, day.month)[1]
        return weekday == _number(field[:-1], _DAYS) and day.day > last - 7
    if "#" in field:
        name, nth = field.split("#")
        return weekday == _number(name, _DAYS) and (day.day - 1) // 7 + 1 == int(nth)
    return weekday in _values(field, 1, 7, _DAYS)
