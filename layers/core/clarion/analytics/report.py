"""The analytics figures over a range, read from the hourly rollups only (never from raw hits): one Query of the
environment's analytics partition, a page of up to 1,000 hours a request."""

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from clarion.analytics import sketch
from clarion.analytics.models import (
    Figure,
    Figures,
    FigureSeries,
    Granularity,
    Locations,
    Overview,
    OverviewPoint,
    Place,
    Point,
)
from clarion.analytics.periods import Range
from clarion.analytics.store import AnalyticsStore
from clarion.principal import Principal

if TYPE_CHECKING:
    from clarion.store import entities

MAX_PLACES = 100


def overview(
    caller: Principal, *, since: date | None, until: date | None, granularity: Granularity, timezone: str
) -> Overview:
    """The five figures per period of the range, and over the whole range."""
    asked = Range.of(since, until, granularity, timezone)
    periods = asked.periods()
    by_hour: dict[str, entities.AnalyticsRollup] = {}
    if asked.hours:
        first, last = min(map(min, periods.values())), max(map(max, periods.values()))
        by_hour = {item["hour"]: item for item in AnalyticsStore().rollups(caller.environment_id, first, last)}
    series = [
        OverviewPoint(start=start, **_figures([by_hour[h] for h in hours if h in by_hour]).model_dump())
        for start, hours in periods.items()
    ]
    return Overview(
        from_=asked.since.isoformat(),
        to=asked.until.isoformat(),
        granularity=granularity,
        timezone=timezone,
        series=series,
        totals=_figures(list(by_hour.values())),
    )


def figure(
    caller: Principal, name: Figure, *, since: date | None, until: date | None, granularity: Granularity, timezone: str
) -> FigureSeries:
    """One of the five figures of `overview`, per period and over the range."""
    whole = overview(caller, since=since, until=until, granularity=granularity, timezone=timezone)
    return FigureSeries(
        from_=whole.from_,
        to=whole.to,
        granularity=granularity,
        timezone=timezone,
        figure=name,
        series=[Point(start=point.start, value=getattr(point, name)) for point in whole.series],
        total=getattr(whole.totals, name),
    )


def locations(
    caller: Principal, *, since: date | None, until: date | None, granularity: Granularity, timezone: str
) -> Locations:
    """Location hits per period, and the places hit over the range, most hits first."""
    asked = Range.of(since, until, granularity, timezone)
    periods = asked.periods()
    per_hour: Counter[str] = Counter()
    per_place: Counter[str] = Counter()
    described: dict[str, Place] = {}
    if asked.hours:
        first, last = min(map(min, periods.values())), max(map(max, periods.values()))
        for item in AnalyticsStore().places(caller.environment_id, first, last):
            place = item["sk"].split("#", 2)[2]
            per_hour[item["hour"]] += item["hits"]
            per_place[place] += item["hits"]
            described.setdefault(place, Place.model_validate({**_place(item), "hits": 0}))
    places = [described[place].model_copy(update={"hits": hits}) for place, hits in per_place.most_common(MAX_PLACES)]
    return Locations(
        from_=asked.since.isoformat(),
        to=asked.until.isoformat(),
        granularity=granularity,
        timezone=timezone,
        series=[Point(start=start, value=sum(per_hour[h] for h in hours)) for start, hours in periods.items()],
        places=places,
        total=sum(per_hour.values()),
    )


def _place(item: "entities.AnalyticsPlace") -> dict[str, object]:
    return {name: item.get(name) for name in ("country", "city", "latitude", "longitude")}


def _figures(rollups: list["entities.AnalyticsRollup"]) -> Figures:
    totals = Counter({name: 0 for name in ("sessions", "newUsers", "endedSessions", "sessionSeconds")})
    registers = sketch.empty()
    for rollup in rollups:
        for name in totals:
            totals[name] += int(rollup.get(name) or 0)  # type: ignore[call-overload]
        if "sketch" in rollup:
            sketch.merge(registers, rollup["sketch"])
    ended = totals["endedSessions"]
    return Figures(
        newUsers=totals["newUsers"],
        sessions=totals["sessions"],
        uniqueSessions=sketch.estimate(registers),
        sessionTime=totals["sessionSeconds"],
        averageSessionTime=round(totals["sessionSeconds"] / ended, 1) if ended else 0.0,
    )
