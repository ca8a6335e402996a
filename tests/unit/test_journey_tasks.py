"""The Lambda tasks of journey state machines (clarion.journeys.tasks), each run directly with the event Step Functions
passes it: the state an execution was started with (read back from moto's Step Functions), the step and the action.
On the in-memory store with moto's SQS as the channel queues and the layer's clock held still: send, local time,
branch, digest and its release, throttle and event waits, and a cancelled run's task doing nothing."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clarion.aws import client
from clarion.campaigns import service as campaigns
from clarion.campaigns.models import CreateCampaignRequest, UpdateCampaignRequest
from clarion.engine.messages import message_id
from clarion.engine.steps import MAX_STEPS
from clarion.ids import new_id
from clarion.journeys.events import EventWaits
from clarion.journeys.machines import start_runs
from clarion.journeys.runs import JourneyRuns, RunNotRunning
from clarion.journeys.tasks import run_task
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.keys import campaign_preference_sk
from clarion.store.preferences import PreferencesRepository
from clarion.store.records import DeliveryRecords
from clarion.subscribers.fields import SubscriberFields
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.service import create_subscriber, update_subscriber
from tests.unit.conftest import StillClock

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # 07:00 in New York (EST): US clocks go forward on the 14th


def email(step_id: str, subject: str = "Hello", **fields: Any) -> dict[str, Any]:
    return {"id": step_id, "channel": "email", "content": {"subject": subject, "body": "<p>hi</p>"}} | fields


EXIT = {"id": "bye", "type": "exit"}


@pytest.fixture
def still(use_clock) -> StillClock:
    return use_clock(NOW)


@pytest.fixture(autouse=True)
def email_queue(memory_tables, still, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = client("sqs").create_queue(QueueName=f"email-{uuid.uuid4().hex}")["QueueUrl"]
    monkeypatch.setenv("EMAIL_QUEUE_URL", url)
    monkeypatch.setenv("JOURNEY_ROLE_ARN", "arn:aws:iam::123456789012:role/journeys")
    monkeypatch.setenv("JOURNEY_TASK_FUNCTION_NAME", "journey-task")
    settings.cache_clear()
    yield url
    settings.cache_clear()


class Journey:
    """An active journey of a new environment, and the runs started on it as the dispatcher starts them."""

    def __init__(self, *steps: dict[str, Any], **fields: Any) -> None:
        self.caller = Principal(new_id(), new_id(), frozenset())
        body = {"name": f"Journey {uuid.uuid4().hex[:10]}", "status": "active", "steps": list(steps)} | fields
        self.id = campaigns.create_campaign(self.caller, CreateCampaignRequest.model_validate(body)).id
        self.version_one = campaigns.existing_campaign(self.caller, self.id)

    @property
    def environment_id(self) -> str:
        return self.caller.environment_id

    def subscriber(self, **fields: Any) -> str:
        subscriber_id = f"sub-{uuid.uuid4().hex[:10]}"
        fields.setdefault("email", f"{subscriber_id}@example.com")
        create_subscriber(self.caller, CreateSubscriberRequest.model_validate({"subscriberId": subscriber_id} | fields))
        return subscriber_id

    def start(
        self, subscriber_id: str, payload: dict[str, Any] | None = None, extras: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Starts a run on the first version for a new transaction; returns the state its execution started with."""
        transaction_id = new_id()
        recipients = [(subscriber_id, transaction_id, payload or {}, extras or {})]
        assert start_runs(self.environment_id, self.version_one, recipients, {subscriber_id: {}})
        run = JourneyRuns().get(self.environment_id, transaction_id, subscriber_id)
        assert run is not None
        execution = client("stepfunctions").describe_execution(executionArn=run["executionArn"])
        return dict(json.loads(execution["input"]))

    def run_of(self, state: dict[str, Any]) -> dict[str, Any]:
        run = state["run"]
        found = JourneyRuns().get(self.environment_id, run["transactionId"], run["subscriberId"])
        assert found is not None
        return found


def task(state: dict[str, Any], step_id: str, action: str, **extra: Any) -> dict[str, Any]:
    """The step's task run on `state`, as the state machine's Task state invokes it."""
    return run_task({"action": action, "stepId": step_id, "state": state} | extra)


def queued(url: str) -> list[dict[str, Any]]:
    sqs, bodies = client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(message["Body"]) for message in messages]
    return bodies


def history(journey: Journey, state: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [(entry["step"], entry["status"], entry.get("detail")) for entry in journey.run_of(state)["history"]]


# send


def test_a_send_step_writes_its_record_enqueues_its_job_and_notes_the_outcome(email_queue: str):
    journey = Journey(email("welcome", "Welcome {{ payload.name }}"), EXIT)
    reader = journey.subscriber()
    state = journey.start(reader, {"name": "Ada"})
    after = task(state, "welcome", "send")
    expected = message_id(journey.environment_id, state["run"]["transactionId"], reader, 0)
    assert after["steps"]["welcome"] == {"status": "queued", "channel": "email", "messageId": expected}
    record = DeliveryRecords().get(journey.environment_id, expected)
    assert record is not None
    assert (record["status"], record["stepIndex"], record["content"]["subject"]) == ("queued", 0, "Welcome Ada")
    assert queued(email_queue) == [{"environmentId": journey.environment_id, "messageId": expected}]
    assert history(journey, state) == [("welcome", "queued", {"channel": "email", "messageId": expected})]
    assert journey.run_of(state)["currentStep"] == "welcome"


def test_a_send_step_passed_again_in_a_loop_sends_a_new_message():
    journey = Journey(email("again"), EXIT)
    reader = journey.subscriber()
    state = journey.start(reader)
    first = task(state, "again", "send")["steps"]["again"]["messageId"]
    second_state = task(state, "again", "send")
    second = second_state["steps"]["again"]["messageId"]
    transaction_id = state["run"]["transactionId"]
    assert first == message_id(journey.environment_id, transaction_id, reader, 0)
    assert second == message_id(journey.environment_id, transaction_id, reader, MAX_STEPS)
    assert second_state["visits"]["again"] == 2


def test_a_send_to_a_subscriber_without_the_channels_address_is_skipped_and_not_enqueued(email_queue: str):
    journey = Journey(email("welcome"), EXIT)
    state = journey.start(journey.subscriber(email=None, phone="+14155550123"))
    assert task(state, "welcome", "send")["steps"]["welcome"]["status"] == "skipped"
    assert queued(email_queue) == []


def test_a_send_the_subscriber_turned_off_for_the_campaign_is_filtered(email_queue: str):
    journey = Journey(email("welcome"), EXIT)
    reader = journey.subscriber()
    choice = {"sk": campaign_preference_sk(journey.id), "channels": {"email": False}}
    PreferencesRepository().save(journey.environment_id, reader, choice, read=None)
    state = journey.start(reader)
    assert task(state, "welcome", "send")["steps"]["welcome"]["status"] == "filtered"
    assert queued(email_queue) == []


def test_a_critical_journey_sends_whatever_the_subscribers_preferences():
    journey = Journey(email("welcome"), EXIT, critical=True)
    reader = journey.subscriber()
    choice = {"sk": campaign_preference_sk(journey.id), "enabled": False}
    PreferencesRepository().save(journey.environment_id, reader, choice, read=None)
    assert task(journey.start(reader), "welcome", "send")["steps"]["welcome"]["status"] == "queued"


def test_a_send_after_a_digest_renders_the_digested_events():
    journey = Journey(email("summary", "{{ step.total_count }} new: {{ payload.digest.events[1].item }}"), EXIT)
    state = journey.start(journey.subscriber())
    state["digest"] = {"events": [{"item": "a"}, {"item": "b"}], "count": 3}
    message = task(state, "summary", "send")["steps"]["summary"]["messageId"]
    record = DeliveryRecords().get(journey.environment_id, message)
    assert record is not None and record["content"]["subject"] == "3 new: b"


def test_a_send_applies_the_triggers_overrides_and_actor():
    journey = Journey(email("welcome", "Hi from {{ actor.firstName }}"), EXIT)
    extras = {"overrides": {"email": {"senderName": "Clarion Team"}}, "actor": {"subscriberId": "x", "firstName": "Bo"}}
    state = journey.start(journey.subscriber(), extras=extras)
    message = task(state, "welcome", "send")["steps"]["welcome"]["messageId"]
    record = DeliveryRecords().get(journey.environment_id, message)
    assert record is not None
    assert (record["content"]["subject"], record["content"]["senderName"]) == ("Hi from Bo", "Clarion Team")


def test_a_send_applies_the_tenants_workflow_override(email_queue: str):
    journey = Journey(email("welcome"), EXIT)
    override = {"_id": new_id(), "active": True, "preferenceSettings": {"email": False}}
    state = journey.start(journey.subscriber(), extras={"tenant": {"identifier": "acme"}, "workflowOverride": override})
    message = task(state, "welcome", "send")["steps"]["welcome"]["messageId"]
    record = DeliveryRecords().get(journey.environment_id, message)
    assert record is not None
    assert (record["status"], record["history"][-1]["reason"]) == (
        "filtered",
        "the workflow override of tenant 'acme' turns email off",
    )
    assert queued(email_queue) == []


def test_a_run_sends_the_campaign_version_it_started_on():
    journey = Journey(email("welcome", "first version"), EXIT)
    state = journey.start(journey.subscriber())
    changed = UpdateCampaignRequest.model_validate({"steps": [email("welcome", "second version"), EXIT]})
    campaigns.update_campaign(journey.caller, journey.id, changed)
    message = task(state, "welcome", "send")["steps"]["welcome"]["messageId"]
    record = DeliveryRecords().get(journey.environment_id, message)
    assert record is not None and record["content"]["subject"] == "first version"


def test_a_cancelled_runs_send_raises_and_writes_and_enqueues_nothing(email_queue: str):
    journey = Journey(email("welcome"), EXIT)
    reader = journey.subscriber()
    state = journey.start(reader)
    runs = JourneyRuns()
    assert runs.mark_cancelled(journey.run_of(state), "test")
    with pytest.raises(RunNotRunning):
        task(state, "welcome", "send")
    transaction_id = state["run"]["transactionId"]
    assert (
        DeliveryRecords().get(journey.environment_id, message_id(journey.environment_id, transaction_id, reader, 0))
        is None
    )
    assert queued(email_queue) == []


# local time


def local_wait(time_of_day: str = "09:00", **fields: Any) -> dict[str, Any]:
    return {"id": "morning", "type": "wait", "wait": {"timeOfDay": time_of_day} | fields}


@pytest.mark.parametrize(
    ("profile_zone", "wait_zone", "until", "zone"),
    [
        ("America/New_York", "Asia/Tokyo", "2027-03-10T14:00:00Z", "America/New_York"),  # the subscriber's own
        (None, "Asia/Tokyo", "2027-03-11T00:00:00Z", "Asia/Tokyo"),  # 21:00 there: tomorrow's 09:00
        (None, None, "2027-03-11T09:00:00Z", "UTC"),  # 09:00 UTC has passed today
    ],
)
def test_a_local_time_wait_is_until_the_next_such_time_in_the_subscribers_zone(profile_zone, wait_zone, until, zone):
    journey = Journey(local_wait(**({"timezone": wait_zone} if wait_zone else {})), email("hello"))
    state = journey.start(journey.subscriber(**({"timezone": profile_zone} if profile_zone else {})))
    after = task(state, "morning", "local_time")
    assert after["steps"]["morning"] == {"status": "waiting", "until": until, "timezone": zone}
    assert history(journey, state) == [("morning", "waiting", {"until": until})]


def test_a_local_time_across_the_spring_forward_change_keeps_the_wall_clock_time(still: StillClock):
    journey = Journey(local_wait(), email("hello"))
    state = journey.start(journey.subscriber(timezone="America/New_York"))
    still.advance(timedelta(days=3, hours=3))  # Saturday 10:00 EST: the next 09:00 is Sunday's, in EDT
    assert task(state, "morning", "local_time")["steps"]["morning"]["until"] == "2027-03-14T13:00:00Z"


def test_a_local_time_reads_the_subscribers_zone_as_it_is_at_the_wait():
    journey = Journey(local_wait(), email("hello"))
    reader = journey.subscriber(timezone="America/New_York")
    state = journey.start(reader)
    update_subscriber(journey.caller, reader, SubscriberFields.model_validate({"timezone": "Europe/Berlin"}))
    after = task(state, "morning", "local_time")["steps"]["morning"]
    assert (after["timezone"], after["until"]) == ("Europe/Berlin", "2027-03-11T08:00:00Z")


# branch


def rule(on: str, field: str, operator: str, value: Any, then: str) -> dict[str, Any]:
    return {
        "conditions": [{"children": [{"on": on, "field": field, "operator": operator, "value": value}]}],
        "next": then,
    }


def branch(*rules: dict[str, Any], default: str = "small", **fields: Any) -> dict[str, Any]:
    return {"id": "route", "type": "branch", "branches": list(rules), "default": default} | fields


@pytest.mark.parametrize(("total", "target", "number"), [(250, "big", 0), (20, "small", None)])
def test_a_branch_takes_the_first_rule_that_holds_else_its_default(total: int, target: str, number: int | None):
    journey = Journey(
        branch(rule("payload", "total", "LARGER", 100, "big")), email("big", next="bye"), EXIT, email("small")
    )
    state = journey.start(journey.subscriber(), {"total": total})
    after = task(state, "route", "branch")
    assert after["steps"]["route"] == {"status": "branched", "next": target, "rule": number}
    assert history(journey, state) == [("route", "branched", {"next": target, "rule": number})]


def test_a_branch_on_the_subscriber_reads_it_as_it_is_at_the_branch():
    journey = Journey(
        branch(rule("subscriber", "data.plan", "EQUAL", "pro", "big")), email("big", next="bye"), EXIT, email("small")
    )
    reader = journey.subscriber(data={"plan": "free"})
    state = journey.start(reader)
    update_subscriber(journey.caller, reader, SubscriberFields.model_validate({"data": {"plan": "pro"}}))
    assert task(state, "route", "branch")["steps"]["route"]["next"] == "big"


def test_a_branch_on_an_earlier_send_reads_its_records_status_now():
    journey = Journey(
        email("welcome"),
        branch(rule("steps", "welcome.status", "EQUAL", "sent", "big")),
        email("big", next="bye"),
        EXIT,
        email("small"),
    )
    reader = journey.subscriber()
    state = task(journey.start(reader), "welcome", "send")
    assert task(json.loads(json.dumps(state)), "route", "branch")["steps"]["route"]["next"] == "small"
    record = DeliveryRecords().claim(journey.environment_id, state["steps"]["welcome"]["messageId"])
    assert record is not None
    DeliveryRecords().mark_sent([(record, "provider-1")])
    assert task(state, "route", "branch")["steps"]["route"]["next"] == "big"


def test_a_branch_passed_more_than_max_visits_takes_its_default_whatever_the_rules():
    journey = Journey(
        branch(rule("payload", "again", "EQUAL", True, "loop"), default="bye", maxVisits=2),
        {"id": "loop", "type": "wait", "wait": {"amount": 1}, "next": "route"},
        EXIT,
    )
    state = journey.start(journey.subscriber(), {"again": True})
    targets = []
    for _ in range(3):
        state = task(state, "route", "branch")
        targets.append((state["steps"]["route"]["next"], state["steps"]["route"]["rule"]))
    assert targets == [("loop", 0), ("loop", 0), ("bye", None)]


# digest


def digest_step(key: str | None = None, minutes: int = 10) -> dict[str, Any]:
    return {
        "id": "gather",
        "type": "digest",
        "digest": {"amount": minutes, "unit": "minutes"} | ({"key": key} if key else {}),
    }


def test_the_first_run_of_a_window_leads_it_and_later_ones_are_digested_into_it():
    journey = Journey(digest_step(), email("summary"))
    reader = journey.subscriber()
    leader = task(journey.start(reader, {"n": 1}), "gather", "digest")
    follower_state = journey.start(reader, {"n": 2})
    follower = task(follower_state, "gather", "digest")
    assert leader["steps"]["gather"] == {"status": "collecting", "until": "2027-03-10T12:10:00Z"}
    assert leader["end"] == "completed"
    assert (follower["steps"]["gather"], follower["end"]) == ({"status": "digested"}, "digested")
    assert history(journey, follower_state) == [("gather", "digested", None)]


def test_runs_with_another_digest_key_lead_windows_of_their_own():
    journey = Journey(digest_step(key="thread"), email("summary"))
    reader = journey.subscriber()
    first = task(journey.start(reader, {"thread": "a"}), "gather", "digest")
    second = task(journey.start(reader, {"thread": "b"}), "gather", "digest")
    other_subscriber = task(journey.start(journey.subscriber(), {"thread": "a"}), "gather", "digest")
    assert {outcome["steps"]["gather"]["status"] for outcome in (first, second, other_subscriber)} == {"collecting"}


def test_a_run_after_the_window_ended_leads_a_new_one(still: StillClock):
    journey = Journey(digest_step(), email("summary"))
    reader = journey.subscriber()
    task(journey.start(reader), "gather", "digest")
    still.advance(timedelta(minutes=11))
    later = task(journey.start(reader), "gather", "digest")
    assert later["steps"]["gather"] == {"status": "collecting", "until": "2027-03-10T12:21:00Z"}


def test_the_leaders_release_sends_every_event_of_its_window_in_trigger_order(still: StillClock):
    journey = Journey(digest_step(), email("summary"))
    reader = journey.subscriber()
    started = []
    for number in (1, 2, 3):
        started.append(journey.start(reader, {"n": number}))
        still.advance(timedelta(seconds=1))  # triggered a second apart
    leader_state, second, third = started
    leader_state = task(leader_state, "gather", "digest")
    task(third, "gather", "digest")  # the runs reach the step in any order
    task(second, "gather", "digest")
    still.advance(timedelta(minutes=10))
    released = task(leader_state, "gather", "digest_release")
    assert released["digest"] == {"events": [{"n": 1}, {"n": 2}, {"n": 3}], "count": 3}
    assert released["steps"]["gather"] == {"status": "released", "count": 3}
    assert history(journey, leader_state)[-1] == ("gather", "released", {"count": 3})


# throttle


def throttle_step(limit: int = 2, key: str | None = None) -> dict[str, Any]:
    spec = {"limit": limit, "amount": 1, "unit": "hours"} | ({"key": key} if key else {})
    return {"id": "limit", "type": "throttle", "throttle": spec}


def test_a_throttle_lets_limit_runs_pass_in_its_window_and_ends_the_others():
    journey = Journey(throttle_step(limit=2), email("hello"))
    reader = journey.subscriber()
    outcomes = [task(journey.start(reader), "limit", "throttle") for _ in range(3)]
    assert [(o["steps"]["limit"]["status"], o["end"]) for o in outcomes] == [
        ("passed", "completed"),
        ("passed", "completed"),
        ("throttled", "throttled"),
    ]


def test_a_retried_throttle_task_passes_again_without_taking_another_place():
    journey = Journey(throttle_step(limit=2), email("hello"))
    reader = journey.subscriber()
    first = journey.start(reader)
    assert task(json.loads(json.dumps(first)), "limit", "throttle")["steps"]["limit"]["status"] == "passed"
    assert task(json.loads(json.dumps(first)), "limit", "throttle")["steps"]["limit"]["status"] == "passed"
    assert task(journey.start(reader), "limit", "throttle")["steps"]["limit"]["status"] == "passed"


def test_a_throttles_next_window_lets_runs_pass_again(still: StillClock):
    journey = Journey(throttle_step(limit=1), email("hello"))
    reader = journey.subscriber()
    task(journey.start(reader), "limit", "throttle")
    assert task(journey.start(reader), "limit", "throttle")["steps"]["limit"]["status"] == "throttled"
    still.advance(timedelta(hours=1))
    assert task(journey.start(reader), "limit", "throttle")["steps"]["limit"]["status"] == "passed"


def test_a_throttle_counts_each_subscriber_and_key_apart():
    journey = Journey(throttle_step(limit=1, key="topic"), email("hello"))
    reader = journey.subscriber()
    outcomes = [
        task(journey.start(reader, {"topic": "a"}), "limit", "throttle"),
        task(journey.start(reader, {"topic": "b"}), "limit", "throttle"),
        task(journey.start(journey.subscriber(), {"topic": "a"}), "limit", "throttle"),
    ]
    assert [outcome["steps"]["limit"]["status"] for outcome in outcomes] == ["passed"] * 3


# event waits


def test_an_event_wait_stores_its_task_token_for_the_subscribers_event():
    wait = {"event": "purchase", "amount": 2, "unit": "hours", "onTimeout": "late"}
    journey = Journey({"id": "buy", "type": "wait", "wait": wait}, email("thanks", next="bye"), EXIT, email("late"))
    reader = journey.subscriber()
    state = journey.start(reader)
    task(state, "buy", "await_event", token="token-1")
    assert history(journey, state) == [("buy", "waiting", {"event": "purchase"})]
    waits = EventWaits()
    assert waits.resume(journey.environment_id, reader, "other-event", {}) == 0
    assert waits.resume(journey.environment_id, reader, "purchase", {"status": "received"}) == 1
    assert waits.resume(journey.environment_id, reader, "purchase", {"status": "received"}) == 0


@pytest.mark.parametrize(
    ("step", "action"),
    [
        (local_wait(), "local_time"),
        (digest_step(), "digest"),
        (throttle_step(), "throttle"),
        (branch(rule("payload", "x", "EQUAL", 1, "small")), "branch"),
    ],
)
def test_any_task_of_a_cancelled_run_raises_run_not_running(step: dict[str, Any], action: str):
    journey = Journey(step, email("small"))
    state = journey.start(journey.subscriber())
    JourneyRuns().mark_cancelled(journey.run_of(state), "test")
    with pytest.raises(RunNotRunning):
        task(state, step["id"], action)
