"""clarion.analytics on the in-memory store: session and location hits counted once into hourly rollups, and each
figure (new users, sessions, unique sessions, session time, average session time, locations) read back per period
in a time zone: whole-hour, half-hour and daylight-saving zones, an empty range, a batch sent twice."""

import random
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from clarion.analytics import hits, report, sketch
from clarion.analytics.hit_models import LocationHitBatch, SessionHitBatch
from clarion.errors import ValidationFailed
from clarion.principal import Principal
from local.aws_calls import count_aws_calls
from tests.unit.conftest import StillClock

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
DAY = date(2026, 12, 5)


@pytest.fixture
def caller(memory_tables: dict[str, str], use_clock: Callable[..., StillClock]) -> Principal:
    use_clock(NOW)
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


def session(sid: str, kind: str, at: str, user: str = "ada", **extra: Any) -> dict[str, Any]:
    return {"sessionId": sid, "type": kind, "timestamp": at, "subscriberId": user, **extra}


def send(caller: Principal, *batch: dict[str, Any]) -> dict[str, Any]:
    return hits.record_sessions(caller, SessionHitBatch.model_validate({"hits": list(batch)})).model_dump()


def day_figures(caller: Principal, day: date, timezone: str = "UTC") -> dict[str, Any]:
    result = report.overview(caller, since=day, until=day, granularity="day", timezone=timezone)
    return result.totals.model_dump()


def test_a_session_start_and_end_count_every_figure_of_its_day(caller: Principal) -> None:
    answer = send(
        caller,
        session("s1", "start", "2026-12-05T10:00:00Z"),
        session("s1", "end", "2026-12-05T10:05:00Z"),
        session("s2", "start", "2026-12-05T11:00:00Z", user="bob"),
        session("s2", "end", "2026-12-05T11:01:00Z", user="bob"),
        session("s3", "start", "2026-12-05T15:00:00Z"),
    )
    assert answer == {"recorded": 5, "duplicates": 0, "failed": []}
    assert day_figures(caller, DAY) == {
        "newUsers": 2,
        "sessions": 3,
        "uniqueSessions": 2,
        "sessionTime": 360,
        "averageSessionTime": 180.0,  # over the 2 sessions ended; the open one has no length yet
    }


def test_a_batch_sent_again_counts_nothing_twice(caller: Principal) -> None:
    batch = [session("s1", "start", "2026-12-05T10:00:00Z"), session("s1", "end", "2026-12-05T10:10:00Z")]
    send(caller, *batch)
    assert send(caller, *batch) == {"recorded": 0, "duplicates": 2, "failed": []}
    assert day_figures(caller, DAY) | {} == {
        "newUsers": 1,
        "sessions": 1,
        "uniqueSessions": 1,
        "sessionTime": 600,
        "averageSessionTime": 600.0,
    }


def test_an_end_with_its_own_duration_counts_in_the_hour_its_recorded_start_was(caller: Principal) -> None:
    send(caller, session("s1", "start", "2026-12-05T23:40:00Z"))
    send(caller, session("s1", "end", "2026-12-06T00:30:00Z", duration=900))  # the app's own measure of the session
    assert day_figures(caller, DAY)["sessionTime"] == 900
    assert day_figures(caller, date(2026, 12, 6))["sessionTime"] == 0


def test_an_end_sent_later_takes_its_length_from_the_recorded_start(caller: Principal) -> None:
    send(caller, session("s1", "start", "2026-12-05T23:50:00Z"))
    send(caller, session("s1", "end", "2026-12-06T00:20:00Z"))
    assert day_figures(caller, DAY)["sessionTime"] == 1800  # counted on the day the session started
    assert day_figures(caller, date(2026, 12, 6))["sessionTime"] == 0


def test_an_end_without_a_start_needs_its_duration(caller: Principal) -> None:
    answer = send(
        caller,
        session("lost", "end", "2026-12-05T10:00:00Z"),
        session("known", "end", "2026-12-05T10:00:00Z", duration=90),
    )
    assert answer["recorded"] == 1
    assert answer["failed"] == [
        {"index": 0, "message": "hits[0].duration: no start recorded for this session: give its duration"}
    ]
    assert day_figures(caller, DAY)["sessionTime"] == 90


def test_a_returning_user_is_new_only_on_the_day_first_seen(caller: Principal) -> None:
    send(caller, session("a", "start", "2026-12-04T09:00:00Z"))
    send(caller, session("b", "start", "2026-12-05T09:00:00Z"), session("c", "start", "2026-12-05T19:00:00Z"))
    result = report.overview(caller, since=date(2026, 12, 4), until=DAY, granularity="day", timezone="UTC")
    assert [(p.newUsers, p.sessions, p.uniqueSessions) for p in result.series] == [(1, 1, 1), (0, 2, 1)]
    assert (result.totals.newUsers, result.totals.sessions, result.totals.uniqueSessions) == (1, 3, 1)


def test_a_day_in_a_time_zone_is_its_local_hours(caller: Principal) -> None:
    send(caller, session("late", "start", "2026-12-05T23:30:00Z"))  # 00:30 on the 6th in Paris (UTC+1)
    assert day_figures(caller, DAY)["sessions"] == 1
    assert day_figures(caller, DAY, "Europe/Paris")["sessions"] == 0
    assert day_figures(caller, date(2026, 12, 6), "Europe/Paris")["sessions"] == 1


def test_a_half_hour_zone_counts_each_utc_hour_in_the_day_of_its_local_start(caller: Principal) -> None:
    # Kolkata is UTC+05:30: the UTC hour 18:00-19:00 starts at 23:30 local, so all of it is the earlier day
    send(caller, session("a", "start", "2026-12-04T18:10:00Z"))  # 23:40 on the 4th local
    send(caller, session("b", "start", "2026-12-04T18:40:00Z"))  # 00:10 on the 5th local, same UTC hour
    send(caller, session("c", "start", "2026-12-04T19:05:00Z"))  # 00:35 on the 5th local
    result = report.overview(caller, since=date(2026, 12, 4), until=DAY, granularity="day", timezone="Asia/Kolkata")
    assert [(p.start, p.sessions) for p in result.series] == [
        ("2026-12-04T00:00:00+05:30", 2),
        ("2026-12-05T00:00:00+05:30", 1),
    ]


def test_hourly_points_follow_daylight_saving_time(caller: Principal) -> None:
    spring = report.overview(
        caller, since=date(2026, 3, 8), until=date(2026, 3, 8), granularity="hour", timezone="America/New_York"
    )
    autumn = report.overview(
        caller, since=date(2026, 11, 1), until=date(2026, 11, 1), granularity="hour", timezone="America/New_York"
    )
    assert len(spring.series) == 23
    assert len(autumn.series) == 25
    assert spring.series[2].start == "2026-03-08T03:00:00-04:00"  # 02:00 never happened


def test_an_empty_range_has_every_period_at_zero(caller: Principal) -> None:
    result = report.overview(caller, since=date(2026, 11, 30), until=DAY, granularity="day", timezone="UTC")
    assert len(result.series) == 6
    assert all(point.sessions == point.newUsers == point.uniqueSessions == 0 for point in result.series)
    assert result.totals.model_dump() == {
        "newUsers": 0,
        "sessions": 0,
        "uniqueSessions": 0,
        "sessionTime": 0,
        "averageSessionTime": 0.0,
    }


def test_weeks_and_months_sum_their_days_and_count_a_user_once(caller: Principal) -> None:
    send(caller, session("a", "start", "2026-11-30T09:00:00Z"), session("b", "start", "2026-12-02T09:00:00Z"))
    weeks = report.overview(caller, since=date(2026, 11, 23), until=DAY, granularity="week", timezone="UTC")
    assert [(p.start, p.sessions, p.uniqueSessions) for p in weeks.series] == [
        ("2026-11-23T00:00:00+00:00", 0, 0),
        ("2026-11-30T00:00:00+00:00", 2, 1),
    ]
    months = report.figure(caller, "sessions", since=date(2026, 11, 1), until=DAY, granularity="month", timezone="UTC")
    assert [(p.start, p.value) for p in months.series] == [
        ("2026-11-01T00:00:00+00:00", 1),
        ("2026-12-01T00:00:00+00:00", 1),
    ]
    assert months.total == 2


def test_each_figure_route_reads_one_figure_of_the_overview(caller: Principal) -> None:
    send(caller, session("s", "start", "2026-12-05T10:00:00Z"), session("s", "end", "2026-12-05T10:00:30Z"))
    for name, expected in [("newUsers", 1), ("sessions", 1), ("uniqueSessions", 1), ("sessionTime", 30)]:
        series = report.figure(caller, name, since=DAY, until=DAY, granularity="day", timezone="UTC")
        assert (series.series[0].value, series.total) == (expected, expected)
    average = report.figure(caller, "averageSessionTime", since=DAY, until=DAY, granularity="day", timezone="UTC")
    assert average.total == 30.0


def test_location_hits_are_coarse_counted_per_place_and_once_per_hit_id(caller: Principal) -> None:
    batch = LocationHitBatch.model_validate(
        {
            "hits": [
                {
                    "hitId": "h1",
                    "subscriberId": "ada",
                    "latitude": 48.85661,
                    "longitude": 2.35222,
                    "timestamp": "2026-12-05T10:00:00Z",
                },
                {
                    "hitId": "h2",
                    "deviceId": "d1",
                    "latitude": 48.8712,
                    "longitude": 2.3312,
                    "timestamp": "2026-12-05T11:00:00Z",
                },
                {
                    "hitId": "h3",
                    "subscriberId": "bob",
                    "country": "IE",
                    "city": "Cork",
                    "timestamp": "2026-12-05T12:00:00Z",
                },
            ]
        }
    )
    assert hits.record_locations(caller, batch).model_dump() == {"recorded": 3, "duplicates": 0, "failed": []}
    assert hits.record_locations(caller, batch).model_dump() == {"recorded": 0, "duplicates": 3, "failed": []}
    result = report.locations(caller, since=DAY, until=DAY, granularity="day", timezone="UTC")
    assert result.total == 3
    assert [p.model_dump() for p in result.places] == [
        {"country": None, "city": None, "latitude": 48.9, "longitude": 2.4, "hits": 1},
        {"country": None, "city": None, "latitude": 48.9, "longitude": 2.3, "hits": 1},
        {"country": "IE", "city": "Cork", "latitude": None, "longitude": None, "hits": 1},
    ]


def test_bad_ranges_and_zones_name_their_field(caller: Principal) -> None:
    with pytest.raises(ValidationFailed) as zone:
        report.overview(caller, since=DAY, until=DAY, granularity="day", timezone="Mars/Olympus")
    assert zone.value.field == "timezone"
    with pytest.raises(ValidationFailed) as hours:
        report.overview(caller, since=date(2026, 10, 1), until=DAY, granularity="hour", timezone="UTC")
    assert hours.value.field == "to"
    with pytest.raises(ValidationFailed) as order:
        report.overview(caller, since=DAY, until=date(2026, 12, 1), granularity="day", timezone="UTC")
    assert order.value.field == "from"


def test_a_hit_too_old_to_keep_is_refused_alone(caller: Principal) -> None:
    answer = send(
        caller, session("old", "start", "2026-01-01T00:00:00Z"), session("new", "start", "2026-12-05T00:00:00Z")
    )
    assert answer["recorded"] == 1
    assert answer["failed"][0]["index"] == 0


def test_the_sketch_estimates_many_users_within_three_percent_and_few_exactly() -> None:
    registers = sketch.empty()
    sketch.raised(registers, (sketch.entry(f"s:user-{n}") for n in range(50_000)))
    assert abs(sketch.estimate(registers) - 50_000) < 1_500
    few = sketch.empty()
    sketch.raised(few, (sketch.entry(f"s:user-{n}") for n in range(100)))
    assert sketch.estimate(few) == 100


def test_a_full_batch_over_many_hours_is_split_into_transactions_and_counted_once(caller: Principal) -> None:
    batch = [
        session(f"s{n}", kind, f"2026-12-0{4 + n % 2}T{n % 24:02}:{10 if kind == 'start' else 40}:00Z", user=f"u{n}")
        for n in range(50)
        for kind in ("start", "end")
    ]
    assert send(caller, *batch) == {"recorded": 100, "duplicates": 0, "failed": []}
    assert send(caller, *batch) == {"recorded": 0, "duplicates": 100, "failed": []}
    result = report.overview(caller, since=date(2026, 12, 4), until=DAY, granularity="day", timezone="UTC")
    assert result.totals.model_dump() == {
        "newUsers": 50,
        "sessions": 50,
        "uniqueSessions": 50,
        "sessionTime": 50 * 1800,
        "averageSessionTime": 1800.0,
    }


def test_a_batch_of_fifty_sessions_of_one_hour_is_five_requests(caller: Principal) -> None:
    batch = [
        session(f"s{n}", kind, f"2026-12-05T10:{n:02}:{0 if kind == 'start' else 30:02}Z", user=f"u{n}")
        for n in range(50)
        for kind in ("start", "end")
    ]
    with count_aws_calls() as calls:
        assert send(caller, *batch)["recorded"] == 100
    # the sessions and the users' first-seen markers read; the hour's sketch read; the 50 starts with 49 users'
    # markers and the hour's rollup in one transaction, the last marker and the 50 ends in a second
    assert Counter(call.operation for call in calls.calls) == {"BatchGetItem": 3, "TransactWriteItems": 2}


def test_merging_sketches_keeps_each_registers_highest_rank() -> None:
    rng = random.Random(7)
    for _ in range(20):
        mine = bytearray(rng.randrange(0, 54) for _ in range(sketch.REGISTERS))
        theirs = bytes(rng.randrange(0, 54) for _ in range(sketch.REGISTERS))
        expected = bytes(map(max, mine, theirs))
        sketch.merge(mine, theirs)
        assert bytes(mine) == expected


def test_an_end_before_its_start_is_refused_naming_its_timestamp(caller: Principal) -> None:
    answer = send(caller, session("s", "start", "2026-12-05T10:00:00Z"), session("s", "end", "2026-12-05T09:00:00Z"))
    assert answer["recorded"] == 1
    assert answer["failed"] == [{"index": 1, "message": "hits[1].timestamp: the session ends before it starts"}]


def test_a_week_the_range_cuts_counts_only_its_days_inside(caller: Principal) -> None:
    send(caller, session("mon", "start", "2026-11-30T09:00:00Z"), session("wed", "start", "2026-12-02T09:00:00Z"))
    weeks = report.figure(caller, "sessions", since=date(2026, 12, 2), until=DAY, granularity="week", timezone="UTC")
    assert [(p.start, p.value) for p in weeks.series] == [("2026-11-30T00:00:00+00:00", 1)]  # Monday's left out
