from datetime import UTC, datetime

import pytest

from local.schedule_expressions import parse

MONDAY = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def next_after(expression: str, after: datetime = MONDAY, timezone: str | None = None) -> datetime | None:
    return parse(expression, timezone).next_after(after, after)


def test_rate_counts_periods_from_the_anchor() -> None:
    anchor = MONDAY
    rate = parse("rate(5 minutes)")

    assert rate.next_after(anchor, anchor) == datetime(2026, 11, 23, 4, 5, tzinfo=UTC)
    assert rate.next_after(datetime(2026, 11, 23, 4, 12, tzinfo=UTC), anchor) == datetime(
        2026, 11, 23, 4, 15, tzinfo=UTC
    )
    assert parse("rate(1 day)").next_after(anchor, anchor) == datetime(2026, 11, 24, 4, 0, tzinfo=UTC)


def test_cron_in_a_time_zone() -> None:
    assert next_after("cron(0 3 * * ? *)", timezone="Europe/Paris") == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert next_after("cron(0 3 * * ? *)") == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_cron_steps_lists_ranges_and_names() -> None:
    assert next_after("cron(0/15 * * * ? *)") == datetime(2026, 11, 23, 4, 15, tzinfo=UTC)
    assert next_after("cron(0 9 ? * MON-FRI *)") == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert next_after("cron(0 9 ? * SAT,SUN *)") == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert next_after("cron(30 2 1 JAN,MAR ? 2027)") == datetime(2027, 1, 1, 2, 30, tzinfo=UTC)


def test_cron_last_nth_and_nearest_weekday() -> None:
    assert next_after("cron(0 12 L * ? *)") == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert next_after("cron(0 8 ? * 6#3 *)") == datetime(2026, 12, 18, 8, 0, tzinfo=UTC)
    assert next_after("cron(0 8 ? * 2L *)") == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    # 2027-02-14 is a Sunday: the nearest weekday is Monday the 15th
    assert next_after("cron(0 8 14W FEB ? 2027)") == datetime(2027, 2, 15, 8, 0, tzinfo=UTC)


def test_at_is_a_single_time_in_its_time_zone() -> None:
    at = parse("at(2026-11-24T10:00:00)", "America/New_York")

    assert at.one_time
    assert at.next_after(MONDAY, MONDAY) == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert at.next_after(datetime(2026, 11, 25, tzinfo=UTC), MONDAY) is None


@pytest.mark.parametrize(
    "expression",
    ["rate(0 minutes)", "rate(5 weeks)", "cron(0 3 * * *)", "cron(0 3 * * MON *)", "cron(0 25 * * ? *)", "every 5m"],
)
def test_invalid_expressions_are_rejected(expression: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse(expression)
