"""Journeys through the whole path: campaign with a graph → trigger → dispatcher → one Step Functions execution per
recipient (moto runs it, Lambda tasks in-process) → senders → SES/SNS on moto."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.journeys import (
    email,
    journey,
    quiet_housekeeping,
    runs,
    sent_subjects,
    subscriber,
    trigger,
    unique,
)
from tests.integration.support.delivery import emails_with_subject
from tests.integration.support.layouts import layout

pytestmark = pytest.mark.usefixtures(quiet_housekeeping.__name__)


def test_a_send_a_wait_and_a_send_make_two_emails_an_hour_apart(runtime: LocalRuntime, admin: Api):
    user = unique("ada")
    subscriber(admin, user)
    tag = unique("J")
    campaign = journey(
        admin,
        email("welcome", f"{tag} welcome"),
        {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "hours"}},
        email("followup", f"{tag} follow-up"),
    )
    before = runtime.clock.time()
    trigger(admin, campaign, user)
    runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} welcome", f"{tag} follow-up"]
    assert runtime.clock.time() - before >= 3600
    [run] = runs(admin, campaign, user)
    assert run["status"] == "completed"
    assert [(entry["step"], entry["status"]) for entry in run["history"]] == [
        ("welcome", "queued"),
        ("followup", "queued"),
    ]


def hold(name: str, event: str, then: str, hours: int = 1) -> dict:
    """An event wait that nobody answers: the run stays put until the clock passes its timeout."""
    return {
        "id": name,
        "type": "wait",
        "next": then,
        "wait": {"event": event, "amount": hours, "unit": "hours", "onTimeout": then},
    }


def rule(on: str, field: str, operator: str, value, then: str) -> dict:
    return {
        "conditions": [{"children": [{"on": on, "field": field, "operator": operator, "value": value}]}],
        "next": then,
    }


def test_a_branch_on_the_payload_takes_the_matching_path(runtime: LocalRuntime, admin: Api):
    user = unique("pay")
    subscriber(admin, user)
    tag = unique("B")
    campaign = journey(
        admin,
        {
            "id": "route",
            "type": "branch",
            "branches": [rule("payload", "total", "LARGER", 100, "big")],
            "default": "small",
        },
        email("big", f"{tag} big order", next="done"),
        {"id": "done", "type": "exit"},
        email("small", f"{tag} small order"),
    )
    trigger(admin, campaign, user, {"total": 250})
    trigger(admin, campaign, user, {"total": 20})
    runtime.drain()
    assert sorted(sent_subjects(runtime, f"{user}@example.com", tag)) == [f"{tag} big order", f"{tag} small order"]
    statuses = sorted(run["status"] for run in runs(admin, campaign, user))
    assert statuses == ["completed", "exited"]


def test_a_branch_reads_the_subscriber_as_it_is_at_the_branch_not_at_the_trigger(runtime: LocalRuntime, admin: Api):
    user = unique("fresh")
    subscriber(admin, user, data={"plan": "free"})
    tag = unique("F")
    campaign = journey(
        admin,
        hold("pause", "never", "check"),
        {
            "id": "check",
            "type": "branch",
            "branches": [rule("subscriber", "data.plan", "EQUAL", "pro", "pro")],
            "default": "free",
        },
        email("pro", f"{tag} pro", next="end"),
        email("free", f"{tag} free"),
        {"id": "end", "type": "exit"},
    )
    trigger(admin, campaign, user)
    runtime.drain()
    assert admin.put(f"/v1/subscribers/{user}", {"data": {"plan": "pro"}}).status == 200
    runtime.clock.advance(3600)
    runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} pro"]


def test_a_branch_on_an_earlier_steps_outcome_sees_whether_it_was_sent(runtime: LocalRuntime, admin: Api):
    tag = unique("O")
    reachable, unreachable = unique("mail"), unique("nomail")
    subscriber(admin, reachable)
    subscriber(admin, unreachable, email=None, phone="+14155550123")
    campaign = journey(
        admin,
        email("welcome", f"{tag} welcome"),
        {"id": "pause", "type": "wait", "wait": {"amount": 10, "unit": "minutes"}},
        {
            "id": "check",
            "type": "branch",
            "branches": [rule("steps", "welcome.status", "EQUAL", "sent", "thanks")],
            "default": "text",
        },
        email("thanks", f"{tag} thanks", next="end"),
        {"id": "text", "channel": "sms", "content": {"body": f"{tag} we could not email you"}},
        {"id": "end", "type": "exit"},
    )
    trigger(admin, campaign, [reachable, unreachable])
    runtime.drain()
    assert sent_subjects(runtime, f"{reachable}@example.com", tag) == [f"{tag} welcome", f"{tag} thanks"]
    [run] = runs(admin, campaign, unreachable)
    assert [(e["step"], e["status"]) for e in run["history"]] == [
        ("welcome", "skipped"),
        ("check", "branched"),
        ("text", "queued"),
    ]
    assert run["history"][1]["detail"]["next"] == "text"


def test_a_wait_until_an_instant_sends_at_that_instant(runtime: LocalRuntime, admin: Api):
    user, tag = unique("until"), unique("U")
    subscriber(admin, user)
    at = datetime.fromtimestamp(runtime.clock.time() + 7200, UTC).replace(microsecond=0)
    offset = at.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()  # any offset: kept as the instant
    campaign = journey(admin, {"id": "later", "type": "wait", "wait": {"until": offset}}, email("ping", f"{tag} ping"))
    trigger(admin, campaign, user)
    runtime.drain()
    [run] = runs(admin, campaign, user)
    sent_at = datetime.fromisoformat(run["history"][0]["at"].replace("Z", "+00:00"))
    assert timedelta(0) <= sent_at - at < timedelta(minutes=1)
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} ping"]


def test_saving_a_journey_with_a_broken_graph_is_a_422_naming_the_step_field(admin: Api):
    body = {
        "name": unique("Broken"),
        "steps": [email("a", "A", next="missing"), {"id": "b", "type": "exit"}],
    }
    response = admin.post("/v1/campaigns", body)
    assert response.status == 422
    assert list(response.json()["errors"]) == ["steps[0].next"]
    body["steps"] = [
        {"id": "route", "type": "branch", "branches": [rule("payload", "x", "EQUAL", 1, "b")]},
        {"id": "b", "type": "exit"},
    ]
    response = admin.post("/v1/campaigns", body)
    assert (response.status, list(response.json()["errors"])) == (422, ["steps[0].default"])


def test_a_runs_sends_apply_the_triggers_actor_tenant_and_overrides(runtime: LocalRuntime, admin: Api):
    user, tag = unique("ext"), unique("X")
    subscriber(admin, user)
    frame = layout(admin, "Frame", content="<div class='frame'>{{{body}}}</div>")
    campaign = journey(
        admin,
        {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "hours"}},
        email("note", f"{tag} note", body="{{ actor.firstName }} in {{ tenant.name }}", layoutId=None),
    )
    overrides = {"email": {"senderName": "Ops Team", "cc": "cc@example.com"}, "layoutIdentifier": frame["identifier"]}
    actor = {"subscriberId": unique("bob"), "firstName": "Bob"}
    trigger(admin, campaign, user, actor=actor, tenant={"identifier": "acme", "name": "Acme"}, overrides=overrides)
    runtime.drain()
    [message] = emails_with_subject(runtime, f"{tag} note")
    assert str(message.body) == "<div class='frame'>Bob in Acme</div>"
    assert message.source.startswith("Ops Team <")
    assert message.destinations["CcAddresses"] == ["cc@example.com"]
