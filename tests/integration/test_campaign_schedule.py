"""Scheduled campaign sends through the whole path: the schedule API → EventBridge Scheduler schedules (moto) → the
local runtime firing them on its clock → dispatch queue → dispatcher → senders → SES (moto)."""

import uuid
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import PAYLOAD_EMAIL_STEP, scheduled_campaign, subject, subscriber
from tests.integration.support.delivery import emails_with_subject

CODE = "S1"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def schedule_path(sent_campaign: dict[str, Any]) -> str:
    return f"/v1/campaigns/{sent_campaign['_id']}/schedule"


def audience_of(admin: Api, count: int = 1, **fields: Any) -> tuple[dict[str, Any], list[str]]:
    """An active email campaign whose audience is `count` new subscribers with email addresses."""
    emails = []
    ids = []
    for _ in range(count):
        subscriber_id = f"s-{uuid.uuid4().hex[:10]}"
        subscriber(admin, subscriber_id, email=f"{subscriber_id}@example.com", **fields)
        ids.append(subscriber_id)
        emails.append(f"{subscriber_id}@example.com")
    sent_campaign = scheduled_campaign(
        admin, PAYLOAD_EMAIL_STEP, audience={"type": "subscribers", "subscriberIds": ids}
    )
    return sent_campaign, emails


def sent_to(runtime: LocalRuntime, sent_campaign: dict[str, Any]) -> set[str]:
    found = emails_with_subject(runtime, subject(sent_campaign, CODE))
    return {message.destinations["ToAddresses"][0] for message in found}


def advance_to(runtime: LocalRuntime, moment: datetime) -> None:
    runtime.clock.advance(max(0.0, moment.timestamp() - runtime.clock.time()))
    runtime.drain()


def moto_schedules(runtime: LocalRuntime) -> dict[str, dict[str, Any]]:
    """The Scheduler schedules moto holds in the campaigns' group, by name."""
    from clarion.aws import client
    from clarion.settings import settings

    with runtime.registry.environment_of("CampaignsFunction"):
        scheduler, group = client("scheduler"), settings().schedule_group
        names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
        return {name: scheduler.get_schedule(Name=name, GroupName=group) for name in names}


@pytest.fixture
def one(admin: Api) -> tuple[dict[str, Any], list[str]]:
    return audience_of(admin)


def test_an_absolute_send_at_fires_when_the_clock_passes_it_and_not_before(runtime: LocalRuntime, admin: Api, one):
    sent_campaign, emails = one
    send_at = (runtime.clock.now() + timedelta(hours=2)).replace(microsecond=0)
    response = admin.post(schedule_path(sent_campaign), {"sendAt": iso(send_at), "payload": {"code": CODE}})
    assert response.status == 201, response.json()
    data = response.json()["data"]
    assert data["status"] == "scheduled"
    (zone,) = data["schedules"]
    held = moto_schedules(runtime)[zone["name"]]
    assert held["ScheduleExpression"] == f"at({send_at.strftime('%Y-%m-%dT%H:%M:%S')})"
    assert held["ScheduleExpressionTimezone"] == "UTC"
    assert held["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert held["ActionAfterCompletion"] == "DELETE"
    runtime.drain()
    advance_to(runtime, send_at - timedelta(seconds=30))
    assert sent_to(runtime, sent_campaign) == set()
    advance_to(runtime, send_at + timedelta(seconds=1))
    assert sent_to(runtime, sent_campaign) == set(emails)
    assert admin.get(schedule_path(sent_campaign)).json()["data"]["status"] == "sent"
    assert zone["name"] not in moto_schedules(runtime)  # deleted after completion


def test_a_send_at_in_the_past_is_a_422_naming_send_at(runtime: LocalRuntime, admin: Api, one):
    sent_campaign, _ = one
    past = runtime.clock.now() - timedelta(minutes=1)
    response = admin.post(schedule_path(sent_campaign), {"sendAt": iso(past)})
    assert response.status == 422
    assert "sendAt" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sendAt": "2030-01-01T10:00:00"}, "sendAt"),  # no offset
        ({"localTime": "25:00"}, "localTime"),
        ({"localTime": "09:00", "defaultTimezone": "Mars/Olympus"}, "defaultTimezone"),
    ],
)
def test_a_bad_schedule_is_a_422_naming_the_field(admin: Api, one, body: dict[str, Any], field: str):
    sent_campaign, _ = one
    response = admin.post(schedule_path(sent_campaign), body)
    assert response.status == 422
    assert field in response.json()["errors"]


def test_more_than_a_year_ahead_is_a_422(runtime: LocalRuntime, admin: Api, one):
    sent_campaign, _ = one
    response = admin.post(schedule_path(sent_campaign), {"sendAt": iso(runtime.clock.now() + timedelta(days=400))})
    assert response.status == 422
    assert "sendAt" in response.json()["errors"]


def test_a_second_schedule_while_one_is_pending_is_a_409_and_a_reschedule_without_one_a_404(
    runtime: LocalRuntime, admin: Api, one
):
    sent_campaign, _ = one
    at = iso(runtime.clock.now() + timedelta(hours=1))
    assert admin.put(schedule_path(sent_campaign), {"sendAt": at}).status == 404
    assert admin.delete(schedule_path(sent_campaign)).status == 404
    assert admin.get(schedule_path(sent_campaign)).status == 404
    assert admin.post(schedule_path(sent_campaign), {"sendAt": at}).status == 201
    assert admin.post(schedule_path(sent_campaign), {"sendAt": at}).status == 409
    assert admin.delete(schedule_path(sent_campaign)).status == 200


def test_a_reschedule_moves_the_send(runtime: LocalRuntime, admin: Api, one):
    sent_campaign, emails = one
    first = runtime.clock.now() + timedelta(hours=1)
    later = runtime.clock.now() + timedelta(hours=3)
    created = admin.post(schedule_path(sent_campaign), {"sendAt": iso(first), "payload": {"code": CODE}})
    assert created.status == 201
    moved = admin.put(schedule_path(sent_campaign), {"sendAt": iso(later), "payload": {"code": CODE}})
    assert moved.status == 200, moved.json()
    assert created.json()["data"]["schedules"][0]["name"] not in moto_schedules(runtime)
    advance_to(runtime, first + timedelta(minutes=5))
    assert sent_to(runtime, sent_campaign) == set()
    advance_to(runtime, later + timedelta(seconds=1))
    assert sent_to(runtime, sent_campaign) == set(emails)


def test_a_cancelled_schedule_sends_nothing(runtime: LocalRuntime, admin: Api, one):
    sent_campaign, _ = one
    send_at = runtime.clock.now() + timedelta(hours=1)
    created = admin.post(schedule_path(sent_campaign), {"sendAt": iso(send_at), "payload": {"code": CODE}})
    assert created.status == 201
    cancelled = admin.delete(schedule_path(sent_campaign))
    assert cancelled.status == 200
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert created.json()["data"]["schedules"][0]["name"] not in moto_schedules(runtime)
    advance_to(runtime, send_at + timedelta(minutes=1))
    assert sent_to(runtime, sent_campaign) == set()
    assert admin.get(schedule_path(sent_campaign)).json()["data"]["status"] == "cancelled"


def test_a_local_time_reaches_each_subscriber_at_nine_in_its_own_timezone(runtime: LocalRuntime, admin: Api):
    zones = {"ny": "America/New_York", "berlin": "Europe/Berlin", "tokyo": "Asia/Tokyo", "none": None}
    default_zone = "America/Los_Angeles"
    ids = {}
    for name, zone in zones.items():
        ids[name] = f"{name}-{uuid.uuid4().hex[:8]}"
        subscriber(admin, ids[name], email=f"{ids[name]}@example.com", **({"timezone": zone} if zone else {}))
    sent_campaign = scheduled_campaign(
        admin, PAYLOAD_EMAIL_STEP, audience={"type": "subscribers", "subscriberIds": list(ids.values())}
    )
    day = (runtime.clock.now() + timedelta(days=3)).date()
    body = {"localTime": "09:00", "date": day.isoformat(), "defaultTimezone": default_zone, "payload": {"code": CODE}}
    response = admin.post(schedule_path(sent_campaign), body)
    assert response.status == 201, response.json()
    assert response.json()["data"]["status"] == "planning"
    runtime.drain()  # the dispatcher plans: one schedule per zone of the audience

    planned = admin.get(schedule_path(sent_campaign)).json()["data"]
    assert planned["status"] == "scheduled"
    by_zone = {zone["timezone"]: zone for zone in planned["schedules"]}
    expected_zones = {"America/New_York", "Europe/Berlin", "Asia/Tokyo", default_zone}
    assert set(by_zone) == expected_zones
    held = moto_schedules(runtime)
    for zone_name, zone in by_zone.items():
        assert held[zone["name"]]["ScheduleExpression"] == f"at({day.isoformat()}T09:00:00)"
        assert held[zone["name"]]["ScheduleExpressionTimezone"] == zone_name
        due = datetime.combine(day, time(9), ZoneInfo(zone_name))
        assert zone["dueAt"] == iso(due.astimezone(ZoneInfo("UTC")))
        assert zone["localDueAt"].startswith(f"{day.isoformat()}T09:00:00")

    receivers = {"Asia/Tokyo": "tokyo", "Europe/Berlin": "berlin", "America/New_York": "ny", default_zone: "none"}
    steps = sorted(expected_zones, key=lambda z: datetime.combine(day, time(9), ZoneInfo(z)))
    assert steps == ["Asia/Tokyo", "Europe/Berlin", "America/New_York", default_zone]
    reached: set[str] = set()
    for zone_name in steps:
        due = datetime.combine(day, time(9), ZoneInfo(zone_name))
        advance_to(runtime, due - timedelta(minutes=1))
        assert sent_to(runtime, sent_campaign) == reached, f"before 09:00 in {zone_name}"
        advance_to(runtime, due + timedelta(seconds=1))
        reached.add(f"{ids[receivers[zone_name]]}@example.com")
        assert sent_to(runtime, sent_campaign) == reached, f"at 09:00 in {zone_name}"
    assert admin.get(schedule_path(sent_campaign)).json()["data"]["status"] == "sent"
