"""Scheduled campaign sends (clarion.schedules) on the in-memory store, moto's EventBridge Scheduler and SQS, with the
layer's clock held still: the wall-clock time and UTC instant of each zone's schedule across DST changes, the
schedule API's rules (one pending schedule, replace, cancel, the time window), and the planning job that makes one
Scheduler schedule per timezone of the audience."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clarion.aws import client
from clarion.campaigns import service as campaigns
from clarion.campaigns.dispatch import dispatch
from clarion.campaigns.models import CreateCampaignRequest
from clarion.engine.dispatch_jobs import PlanJob, SendJob, ZoneJob, parse_dispatch_job
from clarion.engine.notifications import Notifications
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.schedules import scheduler
from clarion.schedules import service as schedules
from clarion.schedules.models import ScheduleRequest
from clarion.schedules.zones import due_at, iso_utc, zone_schedule
from clarion.settings import settings
from clarion.store.schedules import SchedulesRepository
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository
from clarion.subscribers.service import create_subscriber
from tests.unit.conftest import StillClock

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # a Wednesday; US clocks go forward on the 14th, EU's on the 28th
EMAIL = {"channel": "email", "content": {"subject": "Hi", "body": "<p>hello</p>"}}
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:dispatch"
ROLE_ARN = "arn:aws:iam::123456789012:role/scheduler"


@pytest.fixture
def still(use_clock) -> StillClock:
    return use_clock(NOW)


@pytest.fixture(autouse=True)
def dispatch_queue(memory_tables, still, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The dispatch queue, and a schedule group of the test's own for the Scheduler schedules."""
    url = client("sqs").create_queue(QueueName=f"dispatch-{uuid.uuid4().hex}")["QueueUrl"]
    group = f"campaigns-{uuid.uuid4().hex[:12]}"
    client("scheduler").create_schedule_group(Name=group)
    for name, value in {
        "DISPATCH_QUEUE_URL": url,
        "DISPATCH_QUEUE_ARN": QUEUE_ARN,
        "SCHEDULER_ROLE_ARN": ROLE_ARN,
        "SCHEDULE_GROUP": group,
    }.items():
        monkeypatch.setenv(name, value)
    settings.cache_clear()
    yield url
    settings.cache_clear()


def caller() -> Principal:
    return Principal(new_id(), new_id(), frozenset())


def subscriber(who: Principal, timezone: str | None = None) -> str:
    subscriber_id = f"sub-{uuid.uuid4().hex[:10]}"
    fields = {"subscriberId": subscriber_id, "email": f"{subscriber_id}@example.com"}
    create_subscriber(
        who, CreateSubscriberRequest.model_validate(fields | ({"timezone": timezone} if timezone else {}))
    )
    return subscriber_id


def active_campaign(who: Principal, *subscriber_ids: str, status: str = "active") -> str:
    body = {
        "name": f"Scheduled {uuid.uuid4().hex[:10]}",
        "status": status,
        "steps": [EMAIL],
        "audience": {"type": "subscribers", "subscriberIds": list(subscriber_ids) or ["ada"]},
    }
    return campaigns.create_campaign(who, CreateCampaignRequest.model_validate(body)).id


def schedule(who: Principal, campaign_id: str, *, replace: bool = False, **fields: Any):
    return schedules.schedule_campaign(who, campaign_id, ScheduleRequest.model_validate(fields), replace=replace)


def held() -> dict[str, dict[str, Any]]:
    """The Scheduler schedules moto holds in the test's group, by name."""
    aws, group = client("scheduler"), settings().schedule_group
    names = [entry["Name"] for entry in aws.list_schedules(GroupName=group)["Schedules"]]
    return {name: aws.get_schedule(Name=name, GroupName=group) for name in names}


def drained(url: str) -> list[dict[str, Any]]:
    sqs, bodies = client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(message["Body"]) for message in messages]
    return bodies


def iso(moment: datetime) -> str:
    return moment.isoformat()


def never_short() -> int:
    return 10**9


# zones: wall clock and instant


@pytest.mark.parametrize(
    ("timezone", "local", "due", "offset"),
    [
        ("UTC", datetime(2027, 1, 15, 9), "2027-01-15T09:00:00Z", "+00:00"),
        ("America/New_York", datetime(2027, 1, 15, 9), "2027-01-15T14:00:00Z", "-05:00"),
        ("America/New_York", datetime(2027, 3, 14, 9), "2027-03-14T13:00:00Z", "-04:00"),  # the day clocks go forward
        ("America/New_York", datetime(2027, 11, 7, 9), "2027-11-07T14:00:00Z", "-05:00"),  # the day they go back
        ("Europe/Berlin", datetime(2027, 3, 27, 9), "2027-03-27T08:00:00Z", "+01:00"),
        ("Europe/Berlin", datetime(2027, 3, 28, 9), "2027-03-28T07:00:00Z", "+02:00"),
        ("Asia/Kolkata", datetime(2027, 1, 15, 9), "2027-01-15T03:30:00Z", "+05:30"),
        ("Australia/Sydney", datetime(2027, 1, 15, 9), "2027-01-14T22:00:00Z", "+11:00"),  # the day before, in UTC
    ],
)
def test_a_zone_schedule_fires_at_the_wall_clock_time_of_its_zone(
    timezone: str, local: datetime, due: str, offset: str
):
    entry = zone_schedule("s-000", timezone, local, default=False)
    assert entry["scheduleExpression"] == f"at({local:%Y-%m-%dT%H:%M:%S})"
    assert entry["dueAt"] == due
    assert entry["localDueAt"] == f"{local:%Y-%m-%dT%H:%M:%S}{offset}"
    assert due_at(entry) == datetime.fromisoformat(due.replace("Z", "+00:00"))


def test_a_wall_time_skipped_by_spring_forward_is_due_with_the_offset_before_the_change():
    entry = zone_schedule("s-000", "America/New_York", datetime(2027, 3, 14, 2, 30), default=True)
    assert entry["dueAt"] == "2027-03-14T07:30:00Z"  # 02:30 EST, which the clocks read as 03:30 EDT


def test_a_wall_time_repeated_by_fall_back_is_due_at_its_first_occurrence():
    entry = zone_schedule("s-000", "America/New_York", datetime(2027, 11, 7, 1, 30), default=True)
    assert entry["dueAt"] == "2027-11-07T05:30:00Z"  # 01:30 EDT, an hour before 01:30 EST


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2027, 6, 1, 9, 30, 15, 900_000, tzinfo=UTC), "2027-06-01T09:30:15Z"),
        (datetime.fromisoformat("2027-06-01T11:30:00+02:00"), "2027-06-01T09:30:00Z"),
        (datetime.fromisoformat("2027-06-01T20:00:00-07:00"), "2027-06-02T03:00:00Z"),
    ],
)
def test_an_instant_is_written_in_utc_whole_seconds_with_a_z(moment: datetime, text: str):
    assert iso_utc(moment) == text


# the Scheduler adapter


def test_a_one_time_schedule_puts_its_job_on_the_dispatch_queue_once_then_deletes_itself():
    job = SendJob(
        environmentId=new_id(),
        campaignId=new_id(),
        transactionId=new_id(),
        payload={"code": "S1"},
        targets={"subscriberIds": ["ada"], "topicKeys": [], "all": False},
    )
    name = f"one-{uuid.uuid4().hex[:8]}"
    scheduler.create_one_time(name, "at(2027-04-01T09:00:00)", "Europe/Paris", job)
    found = held()[name]
    assert (found["ScheduleExpression"], found["ScheduleExpressionTimezone"]) == (
        "at(2027-04-01T09:00:00)",
        "Europe/Paris",
    )
    assert (found["FlexibleTimeWindow"], found["ActionAfterCompletion"], found["State"]) == (
        {"Mode": "OFF"},
        "DELETE",
        "ENABLED",
    )
    assert (found["Target"]["Arn"], found["Target"]["RoleArn"]) == (QUEUE_ARN, ROLE_ARN)
    assert parse_dispatch_job(found["Target"]["Input"]) == job


def test_deleting_a_schedule_removes_it_and_deleting_a_missing_one_is_no_error():
    job = SendJob(
        environmentId=new_id(),
        campaignId=new_id(),
        transactionId=new_id(),
        payload={},
        targets={"subscriberIds": ["ada"], "topicKeys": [], "all": False},
    )
    name = f"gone-{uuid.uuid4().hex[:8]}"
    scheduler.create_one_time(name, "at(2027-04-01T09:00:00)", "UTC", job)
    scheduler.delete(name)
    scheduler.delete(name)
    assert name not in held()


# an absolute sendAt


def test_a_send_at_is_one_utc_schedule_whose_job_sends_the_campaigns_audience():
    who = caller()
    campaign_id = active_campaign(who, "ada", "bob")
    created = schedule(who, campaign_id, sendAt="2027-03-10T15:00:00+01:00", payload={"code": "S1"})
    assert (created.status, created.sendAt, created.transactionId) == ("scheduled", "2027-03-10T14:00:00Z", created.id)
    [zone] = created.schedules
    assert (zone.timezone, zone.default, zone.dueAt) == ("UTC", True, "2027-03-10T14:00:00Z")
    found = held()[zone.name]
    assert found["ScheduleExpression"] == "at(2027-03-10T14:00:00)"
    job = parse_dispatch_job(found["Target"]["Input"])
    assert isinstance(job, SendJob)
    assert (job.campaignId, job.transactionId, job.payload) == (campaign_id, created.transactionId, {"code": "S1"})
    assert job.targets["subscriberIds"] == ["ada", "bob"]


def test_a_scheduled_send_writes_its_notification_at_once():
    who = caller()
    campaign_id = active_campaign(who)
    created = schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=1)))
    notification = Notifications().get(who.environment_id, created.transactionId)
    assert notification is not None and notification["campaignId"] == campaign_id


def test_once_every_schedule_has_fired_the_schedule_reads_as_sent_and_another_may_be_made(still: StillClock):
    who = caller()
    campaign_id = active_campaign(who)
    schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=1)))
    still.advance(timedelta(hours=1, seconds=1))
    assert schedules.get_schedule(who, campaign_id).status == "sent"
    assert schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=3))).status == "scheduled"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sendAt": iso(NOW - timedelta(minutes=1))}, "sendAt"),
        ({"sendAt": iso(NOW)}, "sendAt"),
        ({"sendAt": iso(NOW + timedelta(days=367))}, "sendAt"),
        ({}, "sendAt"),
        ({"sendAt": iso(NOW + timedelta(hours=1)), "localTime": "09:00"}, "sendAt"),
        ({"sendAt": iso(NOW + timedelta(hours=1)), "date": "2027-03-11"}, "date"),
        ({"sendAt": iso(NOW + timedelta(hours=1)), "defaultTimezone": "Europe/Paris"}, "defaultTimezone"),
        ({"localTime": "09:00", "date": "2027-03-09"}, "date"),
        ({"localTime": "09:00", "date": "2028-03-12"}, "date"),
    ],
)
def test_a_schedule_outside_its_rules_is_refused_naming_the_field_and_nothing_is_scheduled(fields, field):
    who = caller()
    campaign_id = active_campaign(who)
    with pytest.raises(ValidationFailed) as refused:
        schedule(who, campaign_id, **fields)
    assert refused.value.field == field
    assert held() == {}
    assert SchedulesRepository().get(who.environment_id, campaign_id) is None


def test_a_send_at_just_under_a_year_ahead_is_accepted():
    who = caller()
    assert schedule(who, active_campaign(who), sendAt=iso(NOW + timedelta(days=365))).status == "scheduled"


# a local time


def test_a_local_time_is_planned_by_a_plan_job_before_anything_is_scheduled(dispatch_queue: str):
    who = caller()
    campaign_id = active_campaign(who, "ada")
    created = schedule(who, campaign_id, localTime="09:00", date="2027-03-12", defaultTimezone="Europe/Paris")
    assert (created.status, created.schedules, created.localTime, created.date) == (
        "planning",
        [],
        "09:00",
        "2027-03-12",
    )
    assert held() == {}
    [body] = drained(dispatch_queue)
    job = parse_dispatch_job(body)
    assert isinstance(job, PlanJob)
    assert job.plan == {"scheduleId": created.id, "zones": []}
    assert (job.transactionId, job.targets["subscriberIds"]) == (created.transactionId, ["ada"])


@pytest.mark.parametrize(
    ("local_time", "zone", "day"),
    [
        ("13:30", "UTC", "2027-03-10"),  # later today in UTC
        ("11:00", "UTC", "2027-03-11"),  # passed today: tomorrow
        ("08:00", "America/Los_Angeles", "2027-03-10"),  # it is 04:00 there
        ("20:30", "Asia/Tokyo", "2027-03-11"),  # it is 21:00 there: tomorrow, Tokyo's
    ],
)
def test_a_local_time_without_a_date_is_its_next_occurrence_in_the_default_zone(local_time: str, zone: str, day: str):
    who = caller()
    created = schedule(who, active_campaign(who), localTime=local_time, defaultTimezone=zone)
    assert (created.date, created.defaultTimezone) == (day, zone)


def test_the_default_zone_of_a_local_time_is_utc():
    who = caller()
    assert schedule(who, active_campaign(who), localTime="13:00").defaultTimezone == "UTC"


# one pending schedule: replace, cancel


def test_a_second_schedule_while_one_is_pending_is_a_conflict():
    who = caller()
    campaign_id = active_campaign(who)
    first = schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=1)))
    with pytest.raises(Conflict) as refused:
        schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=2)))
    assert refused.value.field == "campaignId"
    assert set(held()) == {first.schedules[0].name}


def test_with_no_pending_schedule_replace_cancel_and_read_are_not_found():
    who = caller()
    campaign_id = active_campaign(who)
    with pytest.raises(NotFound):
        schedule(who, campaign_id, replace=True, sendAt=iso(NOW + timedelta(hours=1)))
    with pytest.raises(NotFound):
        schedules.cancel_schedule(who, campaign_id)
    with pytest.raises(NotFound):
        schedules.get_schedule(who, campaign_id)


def test_a_replacement_deletes_the_old_schedule_and_cancels_its_transaction():
    who = caller()
    campaign_id = active_campaign(who)
    first = schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=1)))
    moved = schedule(who, campaign_id, replace=True, sendAt=iso(NOW + timedelta(hours=3)))
    assert moved.id != first.id and moved.transactionId != first.transactionId
    assert set(held()) == {moved.schedules[0].name}
    assert held()[moved.schedules[0].name]["ScheduleExpression"] == "at(2027-03-10T15:00:00)"
    assert Notifications().is_cancelled(who.environment_id, first.transactionId)
    assert not Notifications().is_cancelled(who.environment_id, moved.transactionId)
    assert schedules.get_schedule(who, campaign_id) == moved


def test_a_cancelled_schedule_deletes_its_scheduler_schedule_and_cancels_its_transaction():
    who = caller()
    campaign_id = active_campaign(who)
    created = schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=1)))
    cancelled = schedules.cancel_schedule(who, campaign_id)
    assert cancelled.status == "cancelled"
    assert held() == {}
    assert Notifications().is_cancelled(who.environment_id, created.transactionId)
    assert schedules.get_schedule(who, campaign_id).status == "cancelled"
    with pytest.raises(NotFound):
        schedules.cancel_schedule(who, campaign_id)


def test_a_fired_schedule_can_no_longer_be_cancelled(still: StillClock):
    who = caller()
    campaign_id = active_campaign(who)
    schedule(who, campaign_id, sendAt=iso(NOW + timedelta(minutes=5)))
    still.advance(timedelta(minutes=6))
    with pytest.raises(NotFound):
        schedules.cancel_schedule(who, campaign_id)


# the campaign


@pytest.mark.parametrize("status", ["draft", "paused", "stopped"])
def test_only_an_active_campaign_can_be_scheduled(status: str):
    who = caller()
    campaign_id = active_campaign(who, status=status)
    with pytest.raises(Conflict) as refused:
        schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=1)))
    assert refused.value.field == "status"


def test_scheduling_an_unknown_campaign_is_not_found():
    with pytest.raises(NotFound) as refused:
        schedule(caller(), new_id(), sendAt=iso(NOW + timedelta(hours=1)))
    assert refused.value.field == "campaignId"


def test_a_campaign_without_an_audience_cannot_be_scheduled():
    who = caller()
    body = {"name": f"Nobody {uuid.uuid4().hex[:8]}", "status": "active", "steps": [EMAIL]}
    campaign_id = campaigns.create_campaign(who, CreateCampaignRequest.model_validate(body)).id
    with pytest.raises(ValidationFailed) as refused:
        schedule(who, campaign_id, sendAt=iso(NOW + timedelta(hours=1)))
    assert refused.value.field == "audience"


def test_a_payload_too_large_for_the_schedules_input_is_refused_naming_payload():
    who = caller()
    with pytest.raises(ValidationFailed) as refused:
        schedule(who, active_campaign(who), sendAt=iso(NOW + timedelta(hours=1)), payload={"x": "y" * 7000})
    assert refused.value.field == "payload"
    assert held() == {}


# planning a local time


def plan(who: Principal, dispatch_queue: str, *subscriber_ids: str, **fields: Any):
    """A local-time schedule of a campaign to `subscriber_ids`, and its plan job as queued."""
    campaign_id = active_campaign(who, *subscriber_ids)
    created = schedule(who, campaign_id, localTime="09:00", **fields)
    [body] = drained(dispatch_queue)
    return campaign_id, created, parse_dispatch_job(body)


def test_planning_makes_one_schedule_per_zone_of_the_audience_the_default_zone_first(dispatch_queue: str):
    who = caller()
    ids = [subscriber(who, zone) for zone in ("America/New_York", "Europe/Berlin", "America/New_York", None)]
    campaign_id, created, job = plan(who, dispatch_queue, *ids, date="2027-03-15", defaultTimezone="America/Chicago")
    dispatch(job, remaining_ms=never_short)
    planned = schedules.get_schedule(who, campaign_id)
    assert planned.status == "scheduled"
    zones = [(zone.timezone, zone.default, zone.dueAt) for zone in planned.schedules]
    assert zones == [
        ("America/Chicago", True, "2027-03-15T14:00:00Z"),
        ("America/New_York", False, "2027-03-15T13:00:00Z"),
        ("Europe/Berlin", False, "2027-03-15T08:00:00Z"),
    ]
    found = held()
    assert {found[zone.name]["ScheduleExpressionTimezone"] for zone in planned.schedules} == {z[0] for z in zones}
    assert all(found[zone.name]["ScheduleExpression"] == "at(2027-03-15T09:00:00)" for zone in planned.schedules)
    assert {zone.name for zone in planned.schedules} == set(found)
    assert planned.transactionId == created.transactionId


def test_each_zone_job_takes_its_zone_and_the_default_zones_also_the_others(dispatch_queue: str):
    who = caller()
    ids = [subscriber(who, "Europe/Berlin"), subscriber(who)]
    campaign_id, created, job = plan(who, dispatch_queue, *ids, date="2027-03-15", defaultTimezone="America/Chicago")
    dispatch(job, remaining_ms=never_short)
    found = held()
    jobs = {}
    for zone in schedules.get_schedule(who, campaign_id).schedules:
        zone_job = parse_dispatch_job(found[zone.name]["Target"]["Input"])
        assert isinstance(zone_job, ZoneJob) and zone_job.transactionId == created.transactionId
        jobs[zone.timezone] = zone_job.zone
    assert jobs == {
        "America/Chicago": {"timezone": "America/Chicago", "others": ["Europe/Berlin"]},
        "Europe/Berlin": {"timezone": "Europe/Berlin", "others": None},
    }


def test_a_zone_whose_time_has_already_passed_on_the_date_is_sent_at_once(dispatch_queue: str):
    who = caller()
    tokyo, new_york = subscriber(who, "Asia/Tokyo"), subscriber(who, "America/New_York")
    campaign_id, _, job = plan(
        who, dispatch_queue, tokyo, new_york, date="2027-03-10", defaultTimezone="America/Los_Angeles"
    )
    dispatch(job, remaining_ms=never_short)
    [now_body] = drained(dispatch_queue)  # 09:00 in Tokyo was 00:00 UTC
    assert now_body["kind"] == "zone" and now_body["zone"]["timezone"] == "Asia/Tokyo"
    planned = schedules.get_schedule(who, campaign_id)
    assert [zone.timezone for zone in planned.schedules] == ["America/Los_Angeles", "America/New_York", "Asia/Tokyo"]
    assert {found["ScheduleExpressionTimezone"] for found in held().values()} == {
        "America/Los_Angeles",
        "America/New_York",
    }


def test_a_zone_the_host_cannot_read_is_left_to_the_default_zone(dispatch_queue: str):
    who = caller()
    known = subscriber(who, "Europe/Berlin")
    odd = f"odd-{uuid.uuid4().hex[:8]}"
    SubscribersRepository().create(
        {"environmentId": who.environment_id, "subscriberId": odd, "timezone": "Mars/Olympus"}
    )
    campaign_id, _, job = plan(who, dispatch_queue, known, odd, date="2027-03-15", defaultTimezone="UTC")
    dispatch(job, remaining_ms=never_short)
    assert [zone.timezone for zone in schedules.get_schedule(who, campaign_id).schedules] == ["UTC", "Europe/Berlin"]


def test_a_plan_job_of_a_schedule_replaced_meanwhile_schedules_nothing(dispatch_queue: str):
    who = caller()
    campaign_id, first, job = plan(who, dispatch_queue, subscriber(who, "Europe/Berlin"), date="2027-03-15")
    replaced = schedule(who, campaign_id, replace=True, sendAt=iso(NOW + timedelta(hours=2)))
    dispatch(job, remaining_ms=never_short)
    assert set(held()) == {replaced.schedules[0].name}
    assert schedules.get_schedule(who, campaign_id).id == replaced.id != first.id


def test_a_planner_short_of_time_queues_its_continuation_with_the_zones_found_so_far(dispatch_queue: str):
    who = caller()
    ids = [subscriber(who, "Europe/Berlin"), subscriber(who, "Asia/Tokyo")]
    campaign_id, created, job = plan(who, dispatch_queue, *ids, date="2027-03-15", defaultTimezone="UTC")
    dispatch(job, remaining_ms=lambda: 0, page_size=1)
    [body] = drained(dispatch_queue)
    continuation = parse_dispatch_job(body)
    assert isinstance(continuation, PlanJob)
    assert continuation.plan == {"scheduleId": created.id, "zones": ["Europe/Berlin"]}
    assert continuation.cursor is not None
    assert held() == {} and schedules.get_schedule(who, campaign_id).status == "planning"
    dispatch(continuation, remaining_ms=never_short, page_size=1)
    zones = [zone.timezone for zone in schedules.get_schedule(who, campaign_id).schedules]
    assert zones == ["UTC", "Asia/Tokyo", "Europe/Berlin"]
