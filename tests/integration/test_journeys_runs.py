"""Journey runs: event waits, local-time waits, digests, throttles, cancelling, repeated triggers and versions."""

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest

from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.journeys import (
    email,
    executions,
    journey,
    quiet_housekeeping,
    runs,
    sent_bodies,
    sent_subjects,
    subscriber,
    trigger,
    unique,
)

pytestmark = pytest.mark.usefixtures(quiet_housekeeping.__name__)


def event_wait(name: str, event: str, then: str, on_timeout: str, hours: int = 24) -> dict[str, Any]:
    wait = {"event": event, "amount": hours, "unit": "hours", "onTimeout": on_timeout}
    return {"id": name, "type": "wait", "next": then, "wait": wait}


# event waits


def purchase_journey(admin: Api, tag: str) -> dict[str, Any]:
    return journey(
        admin,
        email("nudge", f"{tag} nudge"),
        event_wait("bought", "purchase", then="thanks", on_timeout="reminder"),
        email("thanks", f"{tag} thanks {{{{ payload.code }}}}", next="end"),
        email("reminder", f"{tag} still thinking?"),
        {"id": "end", "type": "exit"},
    )


def test_an_event_resumes_the_run_waiting_for_it(runtime: LocalRuntime, admin: Api):
    user, tag = unique("buyer"), unique("E")
    subscriber(admin, user)
    campaign = purchase_journey(admin, tag)
    trigger(admin, campaign, user, {"code": "X1"})
    runtime.drain()  # stops with the run waiting for the event
    [run] = runs(admin, campaign, user)
    assert (run["status"], run["currentStep"]) == ("running", "bought")

    other = admin.post("/v1/hits/event", {"subscriberId": user, "name": "page_view"})
    hit = admin.post("/v1/hits/event", {"subscriberId": user, "name": "purchase", "properties": {"sku": "A"}})
    runtime.drain()

    assert other.json()["data"]["resumedRuns"] == 0
    assert (hit.status, hit.json()["data"]["resumedRuns"]) == (202, 1)
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} nudge", f"{tag} thanks X1"]
    assert runs(admin, campaign, user)[0]["status"] == "exited"


def test_an_event_wait_times_out_into_its_timeout_path(runtime: LocalRuntime, admin: Api):
    user, tag = unique("idle"), unique("T")
    subscriber(admin, user)
    campaign = purchase_journey(admin, tag)
    trigger(admin, campaign, user, {"code": "X2"})
    runtime.drain()
    runtime.clock.advance(24 * 3600)
    runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} nudge", f"{tag} still thinking?"]
    late = admin.post("/v1/hits/event", {"subscriberId": user, "name": "purchase"})
    runtime.drain()
    assert late.json()["data"]["resumedRuns"] == 0
    [run] = runs(admin, campaign, user)
    assert run["status"] == "exited"  # the reminder goes on to the exit
    assert ("bought", "waiting") in [(e["step"], e["status"]) for e in run["history"]]


# local time of day


def test_waits_until_nine_local_time_in_each_subscribers_timezone(runtime: LocalRuntime, admin: Api):
    tag = unique("L")
    # Sydney is on summer time (AEDT) from October to April, New York from March to November: each 09:00 uses
    # the zone's offset on that day (DST changes themselves: tests/unit/test_journey_compiler.py)
    zones = {
        unique("tokyo"): "Asia/Tokyo",
        unique("ny"): "America/New_York",
        unique("sydney"): "Australia/Sydney",
        unique("nozone"): None,
    }
    for user, zone in zones.items():
        subscriber(admin, user, **({"timezone": zone} if zone else {}))
    campaign = journey(
        admin,
        {"id": "morning", "type": "wait", "wait": {"timeOfDay": "09:00"}},
        email("hello", f"{tag} good morning"),
    )
    trigger(admin, campaign, list(zones))
    runtime.drain()
    for user, zone in zones.items():
        [run] = runs(admin, campaign, user)
        until = datetime.fromisoformat(run["history"][0]["detail"]["until"].replace("Z", "+00:00"))
        local = until.astimezone(ZoneInfo(zone or "UTC"))
        sent_at = datetime.fromisoformat(run["history"][1]["at"].replace("Z", "+00:00"))
        assert (local.hour, local.minute) == (9, 0), user
        assert timedelta(0) <= sent_at - until < timedelta(minutes=1)
        assert until - sent_at < timedelta(days=1)
        assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} good morning"]


# digest and throttle


def digested(runtime: LocalRuntime, admin: Api, user: str, subject: str, body: str, events: int) -> dict[str, Any]:
    """A journey digesting `events` triggers for `user` (payloads {comment: c<n>}) into one email; the journey."""
    subscriber(admin, user)
    campaign = journey(
        admin,
        {"id": "batch", "type": "digest", "digest": {"amount": 10, "unit": "minutes"}},
        email("summary", subject, body=body),
    )
    for number in range(1, events + 1):
        trigger(admin, campaign, user, {"comment": f"c{number}"})
    runtime.drain()
    return campaign


def test_a_digest_of_five_events_sends_one_message_listing_five(runtime: LocalRuntime, admin: Api):
    user, tag = unique("dig"), unique("G")
    body = "{{ payload.digest.count }} comments:{% for e in payload.digest.events %} [{{ e.comment }}]{% endfor %}"
    campaign = digested(runtime, admin, user, f"{tag} new comments", body, events=5)
    [sent] = sent_bodies(runtime, f"{user}@example.com", tag)
    assert "5 comments:" in sent
    assert sorted(sent.split(":", 1)[1].split()) == ["[c1]", "[c2]", "[c3]", "[c4]", "[c5]"]  # in order of arrival
    statuses = sorted(run["status"] for run in runs(admin, campaign, user))
    assert statuses == ["completed"] + ["digested"] * 4


def test_after_a_digest_templates_see_novus_step_digest_events_and_total_count(runtime: LocalRuntime, admin: Api):
    user, tag = unique("dgn"), unique("N")
    body = (
        "{% if step.digest %}{{ step.total_count }} comments:"
        "{% for e in step.events %} [{{ e.comment }}]{% endfor %}{% endif %} / {{ payload.digest.count }}"
    )
    digested(runtime, admin, user, f"{tag} {{{{ step.total_count }}}} new", body, events=3)
    assert sent_bodies(runtime, f"{user}@example.com", tag) == ["3 comments: [c1] [c2] [c3] / 3"]
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} 3 new"]


def test_a_throttle_of_three_an_hour_drops_the_fourth(runtime: LocalRuntime, admin: Api):
    user, tag = unique("thr"), unique("H")
    subscriber(admin, user)
    campaign = journey(
        admin,
        {"id": "limit", "type": "throttle", "throttle": {"limit": 3, "amount": 1, "unit": "hours"}},
        email("alert", f"{tag} alert {{{{ payload.n }}}}"),
    )
    for number in range(1, 5):
        trigger(admin, campaign, user, {"n": number})
        runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} alert {n}" for n in (1, 2, 3)]
    statuses = [run["status"] for run in runs(admin, campaign, user)]  # newest first
    assert statuses == ["throttled", "completed", "completed", "completed"]
    runtime.clock.advance(3600)
    trigger(admin, campaign, user, {"n": 5})
    runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag)[-1] == f"{tag} alert 5"


# cancel


def test_cancel_journey_in_the_middle_of_a_wait_stops_the_run(runtime: LocalRuntime, admin: Api):
    tag = unique("C")
    by_id, by_email, by_phone, done = unique("c1"), unique("c2"), unique("c3"), unique("c4")
    subscriber(admin, by_id)
    subscriber(admin, by_email, email=f"{by_email}@example.com")
    subscriber(admin, by_phone, phone="+14155550188")
    subscriber(admin, done)
    campaign = journey(
        admin,
        email("first", f"{tag} first"),
        {"id": "pause", "type": "wait", "wait": {"amount": 2, "unit": "days"}},
        email("second", f"{tag} second"),
    )
    runtime.time_scale = 1.0  # the waits last: only the cancel (or the clock) ends them
    try:
        trigger(admin, campaign, [by_id, by_email, by_phone])
        first_sent = runtime.tick_until(
            lambda: all(len(sent_subjects(runtime, f"{u}@example.com", tag)) == 1 for u in (by_id, by_email, by_phone))
        )
        assert first_sent, "the first emails were not sent"
        targets = [{"subscriberId": by_id}, {"email": f"{by_email.upper()}@EXAMPLE.COM"}, {"phone": "+14155550188"}]
        response = admin.post(f"/v1/campaigns/{campaign['_id']}/cancel-journey", {"targets": targets})
        again = admin.post(f"/v1/campaigns/{campaign['_id']}/cancel-journey", {"targets": [{"subscriberId": by_id}]})
    finally:
        runtime.time_scale = 0.0
    runtime.drain()
    runtime.clock.advance(3 * 86400)
    runtime.drain()

    assert response.status == 200, response.json()
    assert response.json()["data"] == {"cancelled": 3, "alreadyCancelled": 0, "alreadyCompleted": 0, "subscribers": 3}
    assert again.json()["data"]["alreadyCancelled"] == 1
    for user in (by_id, by_email, by_phone):
        assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} first"]
        assert runs(admin, campaign, user)[0]["status"] == "cancelled"
    assert {execution["status"] for execution in executions(campaign)} == {"ABORTED"}

    trigger(admin, campaign, done)
    runtime.drain()
    finished = admin.post(f"/v1/campaigns/{campaign['_id']}/cancel-journey", {"targets": [{"subscriberId": done}]})
    assert finished.json()["data"] == {"cancelled": 0, "alreadyCancelled": 0, "alreadyCompleted": 1, "subscribers": 1}


def test_cancelling_the_trigger_stops_its_runs(runtime: LocalRuntime, admin: Api):
    user, tag = unique("tx"), unique("X")
    subscriber(admin, user)
    campaign = journey(
        admin,
        email("first", f"{tag} first"),
        event_wait("hold", "never", then="second", on_timeout="second"),
        email("second", f"{tag} second"),
    )
    transaction = trigger(admin, campaign, user)
    runtime.drain()
    response = admin.delete(f"/v1/events/trigger/{transaction}")
    runtime.clock.advance(86400)
    runtime.drain()
    assert (response.status, response.json()["data"]) == (200, True)
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} first"]
    assert runs(admin, campaign, user)[0]["status"] == "cancelled"


def test_cancel_journey_of_an_unknown_campaign_is_a_404_and_a_target_needs_one_field(admin: Api):
    unknown = admin.post("/v1/campaigns/0123456789abcdef01234567/cancel-journey", {"targets": [{"subscriberId": "a"}]})
    both = admin.post(
        "/v1/campaigns/0123456789abcdef01234567/cancel-journey",
        {"targets": [{"subscriberId": "a", "email": "a@example.com"}]},
    )
    assert (unknown.status, unknown.json()["errors"].keys()) == (404, {"campaignId"})
    assert (both.status, list(both.json()["errors"])) == (422, ["targets[0]"])


# one run per (campaign, subscriber, transaction); versions


def test_a_repeated_trigger_makes_one_run(runtime: LocalRuntime, admin: Api):
    user, tag = unique("rep"), unique("R")
    subscriber(admin, user)
    topic = unique("topic")
    assert admin.post("/v1/topics", {"key": topic, "name": topic}).status == 201
    assert admin.post(f"/v1/topics/{topic}/subscribers", {"subscribers": [user]}).status == 200
    campaign = journey(admin, email("hello", f"{tag} hello"), {"id": "bye", "type": "exit"})
    transaction = trigger(admin, campaign, [user, {"type": "Topic", "topicKey": topic}])
    runtime.drain()
    job = {
        "environmentId": admin.environment_id,
        "campaignId": campaign["_id"],
        "transactionId": transaction,
        "payload": {},
        "targets": {"subscriberIds": [user], "topicKeys": [], "all": False},
        "cursor": None,
    }
    event = load_event("triggers/dispatch_job.json")
    event["Records"][0]["body"] = json.dumps(job)
    assert runtime.invoke("DispatcherFunction", event) == {"batchItemFailures": []}  # the job delivered again
    runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} hello"]
    assert len(runs(admin, campaign, user)) == 1
    assert len(executions(campaign)) == 1


def test_runs_in_flight_finish_on_their_version_when_a_new_one_is_published(runtime: LocalRuntime, admin: Api):
    early, late, tag = unique("v1"), unique("v2"), unique("V")
    subscriber(admin, early)
    subscriber(admin, late)
    steps = [
        email("first", f"{tag} first"),
        event_wait("hold", "go", then="second", on_timeout="second"),
        email("second", f"{tag} second v1"),
    ]
    campaign = journey(admin, *steps)
    trigger(admin, campaign, early)
    runtime.drain()
    steps[2] = email("second", f"{tag} second v2")
    updated = admin.put(f"/v1/campaigns/{campaign['_id']}", {"steps": steps})
    assert updated.status == 200, updated.json()
    trigger(admin, campaign, late)
    runtime.drain()
    for user in (early, late):
        admin.post("/v1/hits/event", {"subscriberId": user, "name": "go"})
    runtime.drain()
    assert sent_subjects(runtime, f"{early}@example.com", tag) == [f"{tag} first", f"{tag} second v1"]
    assert sent_subjects(runtime, f"{late}@example.com", tag) == [f"{tag} first", f"{tag} second v2"]
    assert [runs(admin, campaign, user)[0]["version"] for user in (early, late)] == [1, 2]
    # only a template changed: both versions run on the one machine of their step graph
    assert len({e["stateMachineArn"] for e in executions(campaign)}) == 1


def machines_of(campaign: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The campaign's state machines by ARN, with their definitions."""
    sfn = boto3.client("stepfunctions")
    return {
        machine["stateMachineArn"]: json.loads(
            sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"]
        )
        for machine in sfn.list_state_machines()["stateMachines"]
        if campaign["_id"] in machine["name"]
    }


def test_saving_a_journey_creates_its_state_machine_and_a_changed_graph_another(runtime: LocalRuntime, admin: Api):
    user, tag = unique("pub"), unique("P")
    subscriber(admin, user)
    steps = [email("hello", f"{tag} hello"), {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "hours"}}]
    campaign = journey(admin, *steps)
    [(first, definition)] = machines_of(campaign).items()
    assert definition["States"]["pause"]["Type"] == "Wait"
    assert definition["States"]["pause"]["Seconds"] == 3600

    assert admin.post(f"/v1/campaigns/{campaign['_id']}/stop", {}).status == 200
    assert admin.post(f"/v1/campaigns/{campaign['_id']}/start", {}).status == 200
    renamed = admin.put(f"/v1/campaigns/{campaign['_id']}", {"name": f"{campaign['name']} renamed"})
    assert (renamed.status, renamed.json()["data"]["version"]) == (200, 4)
    assert list(machines_of(campaign)) == [first]  # status and name changes keep the machine

    steps[1]["wait"]["amount"] = 2
    assert admin.put(f"/v1/campaigns/{campaign['_id']}", {"steps": steps}).status == 200
    machines = machines_of(campaign)
    [second] = set(machines) - {first}
    assert machines[second]["States"]["pause"]["Seconds"] == 7200

    trigger(admin, campaign, user)
    runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} hello"]
    assert [e["stateMachineArn"] for e in executions(campaign)] == [second]


def test_a_campaign_of_sends_only_has_no_state_machine(admin: Api):
    campaign = journey(admin, email("hello", "plain send"))
    assert machines_of(campaign) == {}
