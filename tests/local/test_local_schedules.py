import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest
from botocore.exceptions import ClientError

from local.runtime import LocalRuntime
from tests.local.conftest import TEMPLATE, table_items

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    """A runtime per test: schedules count their periods from the runtime's start."""
    with LocalRuntime.in_process(TEMPLATE) as started:
        yield started


def ticks(runtime: LocalRuntime, source: str) -> int:
    return sum(1 for item in table_items(runtime, "tick-") if item["source"] == source)


def test_a_rate_rule_fires_once_per_period_as_the_clock_advances(runtime: LocalRuntime) -> None:
    runtime.clock.advance(290)
    assert ticks(runtime, "rule") == 0

    runtime.clock.advance(20)
    assert ticks(runtime, "rule") == 1

    runtime.clock.advance(600)
    assert ticks(runtime, "rule") == 3


def test_a_cron_schedule_fires_at_its_time_in_its_time_zone(runtime: LocalRuntime) -> None:
    now = runtime.clock.now().astimezone(PARIS)
    three_am = now.replace(hour=3, minute=0, second=0, microsecond=0)
    if three_am <= now:
        three_am += timedelta(days=1)
    seconds = (three_am - now).total_seconds()

    runtime.clock.advance(seconds - 10)
    assert ticks(runtime, "scheduler") == 0

    runtime.clock.advance(20)
    assert ticks(runtime, "scheduler") == 1


def test_a_one_time_schedule_created_at_run_time_fires_once_and_deletes_itself(runtime: LocalRuntime) -> None:
    scheduler = boto3.client("scheduler")
    when = (runtime.clock.now() + timedelta(minutes=10)).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M:%S")
    scheduler.create_schedule(
        Name="once",
        ScheduleExpression=f"at({when})",
        ScheduleExpressionTimezone="Europe/Paris",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": runtime.stack.functions["TickFunction"].arn,
            "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
            "Input": json.dumps({"source": "once"}),
        },
    )

    runtime.clock.advance(590)
    assert ticks(runtime, "once") == 0
    runtime.clock.advance(20)
    assert ticks(runtime, "once") == 1
    with pytest.raises(ClientError, match="ResourceNotFound"):
        scheduler.get_schedule(Name="once")

    runtime.clock.advance(3600)
    assert ticks(runtime, "once") == 1


def test_a_schedule_can_target_a_queue_drained_by_its_event_source(runtime: LocalRuntime) -> None:
    when = (runtime.clock.now() + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%S")
    boto3.client("scheduler").create_schedule(
        Name="to-queue",
        ScheduleExpression=f"at({when})",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": f"arn:aws:sqs:us-east-1:123456789012:{runtime.resources.queues['WorkQueue'].rsplit('/', 1)[-1]}",
            "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
            "Input": json.dumps({"id": "scheduled"}),
        },
    )

    runtime.clock.advance(31)
    report = runtime.drain()

    assert [item["pk"] for item in table_items(runtime, "work-scheduled")] == ["work-scheduled"]
    assert report.invocations == {}  # delivered during the advance already


def test_disabled_schedules_do_not_fire(runtime: LocalRuntime) -> None:
    events = boto3.client("events")
    events.disable_rule(Name=runtime.resources.rules["TickFunctionEveryFiveMinutes"])

    runtime.clock.advance(301)

    assert ticks(runtime, "rule") == 0


def test_drain_fires_nothing_that_is_not_due(runtime: LocalRuntime) -> None:
    report = runtime.drain()

    assert (report.schedules_fired, report.invocations) == (0, {})
    assert runtime.event_sources.schedules.next_due() is not None
    assert runtime.event_sources.schedules.next_due() > datetime.now(runtime.clock.now().tzinfo)


def test_put_events_reaches_the_lambda_target_of_a_pattern_rule_asynchronously(runtime: LocalRuntime) -> None:
    events = boto3.client("events")
    events.put_rule(Name="app-events", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(
        Rule="app-events",
        Targets=[{"Id": "tick", "Arn": runtime.stack.functions["TickFunction"].arn, "InputPath": "$.detail"}],
    )

    events.put_events(Entries=[{"Source": "app", "DetailType": "Thing", "Detail": json.dumps({"source": "event"})}])
    events.put_events(Entries=[{"Source": "other", "DetailType": "Thing", "Detail": json.dumps({"source": "x"})}])
    assert ticks(runtime, "event") == 0

    assert runtime.drain().invocations == {"TickFunction": 1}
    assert ticks(runtime, "event") == 1
