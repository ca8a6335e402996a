"""Journey runs and what surrounds them, on the in-memory store with moto's Step Functions: the run items
(clarion.journeys.runs), the digest windows and throttle counters (gates), event waits and hits (events), the next
local time of day across DST (local_time), state machines, snapshots and runs started (machines), and the journey
API's cancel, list and track (service)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from clarion import clock
from clarion.aws import client
from clarion.campaigns import service as campaigns
from clarion.campaigns.models import CreateCampaignRequest, UpdateCampaignRequest
from clarion.dynamo import DynamoTable, Item
from clarion.errors import NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.journeys import events, gates, machines
from clarion.journeys import service as journeys
from clarion.journeys.events import EventWaits, record_hit
from clarion.journeys.gates import Digests, Throttles, key_hash
from clarion.journeys.hits import HitEventRequest, track_event
from clarion.journeys.local_time import next_local_time
from clarion.journeys.models import CancelJourneyRequest
from clarion.journeys.runs import JourneyRuns, RunNotRunning, public_run
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.keys import hits_pk
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.service import create_subscriber
from tests.unit.conftest import StillClock

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
EMAIL = {"channel": "email", "content": {"subject": "Hi", "body": "<p>hi</p>"}}


@pytest.fixture
def still(use_clock) -> StillClock:
    return use_clock(NOW)


@pytest.fixture(autouse=True)
def _stack(memory_tables, still, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JOURNEY_ROLE_ARN", "arn:aws:iam::123456789012:role/journeys")
    monkeypatch.setenv("JOURNEY_TASK_FUNCTION_NAME", "journey-task")
    settings.cache_clear()
    return memory_tables


def caller() -> Principal:
    return Principal(new_id(), new_id(), frozenset())


def run_item(**fields: Any) -> Item:
    """A run as the dispatcher writes it, of a new environment, campaign, subscriber and transaction."""
    return {
        "environmentId": new_id(),
        "campaignId": new_id(),
        "version": 1,
        "subscriberId": f"sub-{uuid.uuid4().hex[:8]}",
        "transactionId": new_id(),
        "status": "running",
        "history": [],
        "createdAt": clock.timestamp_now(),
    } | fields


def journey(who: Principal, *steps: dict[str, Any]) -> Item:
    """An active journey (a send, an hour's wait, a send unless other steps are given), as stored."""
    steps = steps or (
        {"id": "hello"} | EMAIL,
        {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "hours"}},
        {"id": "again"} | EMAIL,
    )
    body = {"name": f"Journey {uuid.uuid4().hex[:10]}", "status": "active", "steps": list(steps)}
    campaign_id = campaigns.create_campaign(who, CreateCampaignRequest.model_validate(body)).id
    return campaigns.existing_campaign(who, campaign_id)


def subscriber(who: Principal, **fields: Any) -> str:
    subscriber_id = f"sub-{uuid.uuid4().hex[:10]}"
    create_subscriber(who, CreateSubscriberRequest.model_validate({"subscriberId": subscriber_id} | fields))
    return subscriber_id


def start(who: Principal, campaign: Item, *subscriber_ids: str, transaction_id: str | None = None) -> str:
    """Starts a run for each subscriber in one transaction; returns the transaction."""
    transaction_id = transaction_id or new_id()
    recipients = [(subscriber_id, transaction_id, {}, {}) for subscriber_id in subscriber_ids]
    profiles = {subscriber_id: {"subscriberId": subscriber_id} for subscriber_id in subscriber_ids}
    machines.start_runs(who.environment_id, campaign, recipients, profiles)
    return transaction_id


def hits(environment_id: str, subscriber_id: str) -> list[Item]:
    """The subscriber's events as stored."""
    return list(
        DynamoTable(settings().messages_table).partition_items(hits_pk(environment_id, subscriber_id), prefix="EVENT#")
    )


def execution_status(run: Item) -> str:
    return str(client("stepfunctions").describe_execution(executionArn=run["executionArn"])["status"])


# runs


def test_a_new_run_is_written_once_and_found_by_its_transaction_and_subscriber():
    runs, run = JourneyRuns(), run_item()
    assert runs.create(run) is True
    assert runs.create(run | {"status": "completed"}) is False
    found = runs.get(run["environmentId"], run["transactionId"], run["subscriberId"])
    assert found is not None and found["status"] == "running"


def test_a_subscribers_runs_of_a_campaign_are_listed_newest_first(still: StillClock):
    runs, first = JourneyRuns(), run_item()
    same = {name: first[name] for name in ("environmentId", "campaignId", "subscriberId")}
    made = [first]
    for _ in range(2):
        still.advance(timedelta(minutes=1))
        made.append(run_item(**same))
    other_campaign = run_item(environmentId=first["environmentId"], subscriberId=first["subscriberId"])
    for run in [*made, other_campaign]:
        runs.create(run)
    newest = runs.of_subscriber(first["environmentId"], first["campaignId"], first["subscriberId"], limit=2)
    assert [run["transactionId"] for run in newest] == [made[2]["transactionId"], made[1]["transactionId"]]
    every = runs.all_of_subscriber(first["environmentId"], first["campaignId"], first["subscriberId"])
    assert {run["transactionId"] for run in every} == {run["transactionId"] for run in made}


def test_a_transactions_runs_are_those_of_every_subscriber_it_reached():
    runs, first = JourneyRuns(), run_item()
    second = run_item(**{name: first[name] for name in ("environmentId", "campaignId", "transactionId")})
    runs.create(first)
    runs.create(second)
    runs.create(run_item(environmentId=first["environmentId"]))
    found = runs.of_transaction(first["environmentId"], first["transactionId"])
    assert {run["subscriberId"] for run in found} == {first["subscriberId"], second["subscriberId"]}


def test_each_step_recorded_is_appended_to_the_history_and_becomes_the_current_step(still: StillClock):
    runs, run = JourneyRuns(), run_item()
    runs.create(run)
    runs.record_step(run, "hello", "queued", {"messageId": "m1"})
    still.advance(timedelta(seconds=5))
    runs.record_step(run, "route", "branched")
    found = runs.get(run["environmentId"], run["transactionId"], run["subscriberId"])
    assert found is not None
    assert [(e["step"], e["status"], e.get("detail")) for e in found["history"]] == [
        ("hello", "queued", {"messageId": "m1"}),
        ("route", "branched", None),
    ]
    assert (found["currentStep"], found["updatedAt"]) == ("route", "2027-03-10T12:00:05.000Z")


@pytest.mark.parametrize("status", ["cancelled", "completed", "digested"])
def test_a_step_of_a_run_no_longer_running_is_refused_and_not_recorded(status: str):
    runs, run = JourneyRuns(), run_item(status=status)
    runs.create(run)
    with pytest.raises(RunNotRunning):
        runs.record_step(run, "hello", "queued")
    found = runs.get(run["environmentId"], run["transactionId"], run["subscriberId"])
    assert found is not None and found["history"] == [] and "currentStep" not in found


def test_a_running_run_is_cancelled_once_with_the_reason_at_its_current_step():
    runs, run = JourneyRuns(), run_item()
    runs.create(run)
    runs.record_step(run, "pause", "waiting")
    stored = runs.get(run["environmentId"], run["transactionId"], run["subscriberId"])
    assert stored is not None
    assert runs.mark_cancelled(stored, "stop it") is True
    assert runs.mark_cancelled(stored, "stop it again") is False
    found = runs.get(run["environmentId"], run["transactionId"], run["subscriberId"])
    assert found is not None and (found["status"], found["cancelledAt"]) == ("cancelled", clock.timestamp_now())
    assert found["history"][-1] == {
        "step": "pause",
        "status": "cancelled",
        "at": clock.timestamp_now(),
        "detail": {"reason": "stop it"},
    }


def test_a_public_run_never_updated_says_it_was_updated_when_created():
    run = run_item()
    del run["history"]
    public = public_run(run)
    assert (public["updatedAt"], public["history"], public["currentStep"]) == (run["createdAt"], [], None)
    assert "environmentId" not in public


# gates: keys


def test_a_gate_key_is_the_same_for_the_same_value_at_the_path_and_differs_for_another():
    assert key_hash({"thread": {"id": "a"}}, "thread.id") == key_hash({"thread": {"id": "a"}, "x": 1}, "thread.id")
    assert key_hash({"thread": {"id": "a"}}, "thread.id") != key_hash({"thread": {"id": "b"}}, "thread.id")


@pytest.mark.parametrize("payload", [{}, {"thread": None}, {"thread": {"nested": "object"}}, {"thread": ["a"]}])
def test_a_missing_or_structured_value_shares_the_key_of_no_path(payload: dict[str, Any]):
    assert key_hash(payload, "thread") == key_hash(payload, None)


# gates: digest windows


def test_a_retried_leader_stays_leader_of_its_window():
    digests, pk = Digests(), f"DIGEST#{uuid.uuid4().hex}"
    first = digests.enter(pk, "tx-1", {"n": 1}, 600)
    again = digests.enter(pk, "tx-1", {"n": 1}, 600)
    assert first.leader and again.leader and first.until == again.until == NOW.timestamp() + 600


def test_a_retried_member_is_counted_once():
    digests, pk = Digests(), f"DIGEST#{uuid.uuid4().hex}"
    digests.enter(pk, "tx-1", {"n": 1}, 600, "2027-03-10T12:00:00.000Z")
    for _ in range(2):
        assert digests.enter(pk, "tx-2", {"n": 2}, 600, "2027-03-10T12:00:01.000Z").leader is False
    assert digests.release(pk, "tx-1") == {"events": [{"n": 1}, {"n": 2}], "count": 2}


def test_a_window_keeps_at_most_its_cap_of_events_and_counts_them_all(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(gates, "MAX_DIGEST_EVENTS", 3)  # the cap's rule, without writing 50 events
    digests, pk = Digests(), f"DIGEST#{uuid.uuid4().hex}"
    for number in range(5):
        digests.enter(pk, f"tx-{number}", {"n": number}, 600, f"2027-03-10T12:00:{number:02d}.000Z")
    assert digests.release(pk, "tx-0") == {"events": [{"n": 0}, {"n": 1}, {"n": 2}], "count": 5}


def test_a_retried_member_past_the_cap_is_counted_once(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(gates, "MAX_DIGEST_EVENTS", 2)
    digests, pk = Digests(), f"DIGEST#{uuid.uuid4().hex}"
    for number in range(3):
        digests.enter(pk, f"tx-{number}", {"n": number}, 600, f"2027-03-10T12:00:{number:02d}.000Z")
    digests.enter(pk, "tx-2", {"n": 2}, 600, "2027-03-10T12:00:02.000Z")  # the third run's task, retried
    assert digests.release(pk, "tx-0")["count"] == 3


def test_past_the_remembered_members_every_run_is_still_counted(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(gates, "MAX_DIGEST_EVENTS", 2)
    monkeypatch.setattr(gates, "MAX_DIGEST_MEMBERS", 3)
    digests, pk = Digests(), f"DIGEST#{uuid.uuid4().hex}"
    for number in range(5):
        digests.enter(pk, f"tx-{number}", {"n": number}, 600, f"2027-03-10T12:00:{number:02d}.000Z")
    released = digests.release(pk, "tx-0")
    assert (released["count"], [event["n"] for event in released["events"]]) == (5, [0, 1])


def test_releasing_a_window_never_opened_gives_no_events():
    assert Digests().release(f"DIGEST#{uuid.uuid4().hex}", "tx-1") == {"events": [], "count": 0}


def test_a_run_arriving_after_its_window_was_released_leads_a_new_one():
    digests, pk = Digests(), f"DIGEST#{uuid.uuid4().hex}"
    digests.enter(pk, "tx-1", {"n": 1}, 600)
    digests.release(pk, "tx-1")
    late = digests.enter(pk, "tx-2", {"n": 2}, 600)
    assert late.leader is True
    assert digests.release(pk, "tx-2") == {"events": [{"n": 2}], "count": 1}


# gates: throttle counters


def test_a_throttle_window_is_fixed_to_the_clock_not_to_the_first_run(still: StillClock):
    throttles, pk = Throttles(), f"THROTTLE#{uuid.uuid4().hex}"
    still.advance(timedelta(minutes=59, seconds=59))  # 12:59:59, the last second of the 12:00 window
    assert throttles.admit(pk, 1, 3600, "a") is True
    assert throttles.admit(pk, 1, 3600, "b") is False
    still.advance(timedelta(seconds=1))
    assert throttles.admit(pk, 1, 3600, "b") is True


def test_a_run_refused_by_a_throttle_stays_refused_when_retried():
    throttles, pk = Throttles(), f"THROTTLE#{uuid.uuid4().hex}"
    assert [throttles.admit(pk, 1, 60, ticket) for ticket in ("a", "b", "b", "a")] == [True, False, False, True]


# events


def test_a_hit_is_stored_under_its_subscriber_with_its_name_and_properties():
    environment_id = new_id()
    record_hit(environment_id, "ada", "purchase", {"total": 30}, "2027-03-10T11:59:00.000Z")
    [hit] = hits(environment_id, "ada")
    assert (hit["name"], hit["properties"], hit["timestamp"]) == ("purchase", {"total": 30}, "2027-03-10T11:59:00.000Z")
    assert hit["receivedAt"] == clock.timestamp_now()


class RefusingStepFunctions:
    """Step Functions refusing every task token with `code`."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.tokens: list[str] = []

    def send_task_success(self, taskToken: str, output: str) -> None:
        self.tokens.append(taskToken)
        raise ClientError({"Error": {"Code": self.code, "Message": "refused"}}, "SendTaskSuccess")


def waiting(event: str = "purchase") -> tuple[EventWaits, Item]:
    waits, run = EventWaits(), run_item()
    waits.register(run, "buy", event, f"token-{uuid.uuid4().hex}", 3600)
    return waits, run


@pytest.mark.parametrize("code", ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"])
def test_a_wait_whose_run_is_over_is_not_resumed_but_deleted(monkeypatch: pytest.MonkeyPatch, code: str):
    waits, run = waiting()
    refusing = RefusingStepFunctions(code)
    monkeypatch.setattr(events, "client", lambda service: refusing)
    assert waits.resume(run["environmentId"], run["subscriberId"], "purchase", {}) == 0
    assert waits.resume(run["environmentId"], run["subscriberId"], "purchase", {}) == 0
    assert len(refusing.tokens) == 1


def test_a_wait_refused_for_another_reason_raises_and_is_kept(monkeypatch: pytest.MonkeyPatch):
    waits, run = waiting()
    monkeypatch.setattr(events, "client", lambda service: RefusingStepFunctions("ThrottlingException"))
    with pytest.raises(ClientError):
        waits.resume(run["environmentId"], run["subscriberId"], "purchase", {})
    monkeypatch.undo()
    assert waits.resume(run["environmentId"], run["subscriberId"], "purchase", {}) == 1


# local time of day


@pytest.mark.parametrize(
    ("now", "time_of_day", "zone", "expected"),
    [
        ("2027-03-10T12:00:00Z", "13:30", "UTC", "2027-03-10T13:30:00Z"),
        ("2027-03-10T12:00:00Z", "12:00", "UTC", "2027-03-11T12:00:00Z"),  # strictly after now
        ("2027-03-10T12:00:00Z", "09:00", "America/New_York", "2027-03-10T14:00:00Z"),
        ("2027-03-13T15:00:00Z", "09:00", "America/New_York", "2027-03-14T13:00:00Z"),  # the next day is in EDT
        ("2027-03-14T05:00:00Z", "02:30", "America/New_York", "2027-03-14T07:30:00Z"),  # skipped: read before it
        ("2027-11-07T04:00:00Z", "01:30", "America/New_York", "2027-11-07T05:30:00Z"),  # repeated: the first
        ("2027-03-10T12:00:00Z", "08:00", "Asia/Tokyo", "2027-03-10T23:00:00Z"),
        ("2027-03-10T12:00:00Z", "09:00", "Mars/Olympus", "2027-03-11T09:00:00Z"),  # unknown: UTC
        ("2027-03-10T12:00:00Z", "09:00", None, "2027-03-11T09:00:00Z"),
    ],
)
def test_the_next_local_time_is_the_first_instant_after_now_reading_it_in_the_zone(now, time_of_day, zone, expected):
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    assert next_local_time(moment, time_of_day, zone) == datetime.fromisoformat(expected.replace("Z", "+00:00"))


# machines


def test_a_machine_name_names_its_environment_campaign_and_definition():
    name = machines.machine_name("env1", "camp1", "abcd1234")
    assert name == f"{settings().journey_state_machine_prefix}env1-camp1-abcd1234"


def test_a_machine_name_too_long_for_step_functions_is_hashed_to_80_characters_keeping_the_definition():
    long_names = [machines.machine_name("e" * 40, campaign, "abcd1234") for campaign in ("c" * 40, "d" * 40)]
    assert all(len(name) <= machines.MAX_NAME and name.endswith("-abcd1234") for name in long_names)
    assert long_names[0] != long_names[1]


def test_an_execution_name_is_the_same_for_the_same_run_and_differs_for_any_other():
    parts = ("env", "campaign", "subscriber", "transaction")
    name = machines.execution_name(*parts)
    assert name == machines.execution_name(*parts) and len(name) <= 80
    others = {machines.execution_name(*parts[:i], "x", *parts[i + 1 :]) for i in range(len(parts))}
    assert len(others) == 4 and name not in others


def test_publishing_a_machine_again_with_the_same_steps_answers_the_same_machine():
    who = caller()
    campaign = journey(who)
    arn = machines.publish_machine(who.environment_id, campaign)
    assert machines.publish_machine(who.environment_id, campaign) == arn
    names = [m["name"] for m in client("stepfunctions").list_state_machines()["stateMachines"]]
    assert sum(campaign["_id"] in name for name in names) == 1


def test_the_first_run_of_a_version_writes_its_snapshot_which_later_versions_leave_alone():
    who = caller()
    campaign = journey(who)
    machines.ensure_machine(who.environment_id, campaign)
    changed = UpdateCampaignRequest.model_validate({"name": "renamed", "critical": True})
    campaigns.update_campaign(who, campaign["_id"], changed)
    snapshot = machines.snapshot(who.environment_id, campaign["_id"], 1)
    assert (snapshot["name"], snapshot["critical"], snapshot["steps"]) == (campaign["name"], False, campaign["steps"])
    with pytest.raises(LookupError):
        machines.snapshot(who.environment_id, campaign["_id"], 2)


def test_runs_start_for_the_subscribers_that_exist_each_with_its_execution():
    who = caller()
    campaign, known = journey(who), subscriber(who)
    transaction_id = new_id()
    recipients = [
        (known, transaction_id, {"n": 1}, {"actor": {"subscriberId": "x"}}),
        ("ghost", transaction_id, {}, {}),
    ]
    started = machines.start_runs(who.environment_id, campaign, recipients, {known: {"subscriberId": known}})
    assert started == 1
    assert JourneyRuns().get(who.environment_id, transaction_id, "ghost") is None
    run = JourneyRuns().get(who.environment_id, transaction_id, known)
    assert run is not None and (run["status"], run["version"]) == ("running", 1)
    assert execution_status(run) == "RUNNING"
    described = client("stepfunctions").describe_execution(executionArn=run["executionArn"])
    assert '"trigger": {"actor": {"subscriberId": "x"}}' in described["input"]


def test_a_run_started_again_for_the_same_trigger_and_subscriber_is_not_started_twice(still: StillClock):
    who = caller()
    campaign, reader = journey(who), subscriber(who)
    transaction_id = start(who, campaign, reader)
    still.advance(timedelta(seconds=1))
    recipients = [(reader, transaction_id, {}, {})]
    assert machines.start_runs(who.environment_id, campaign, recipients, {reader: {}}) == 0


def test_a_machine_gone_since_it_was_remembered_is_made_again_and_the_run_started():
    who = caller()
    campaign = journey(who)
    first, second = subscriber(who), subscriber(who)
    start(who, campaign, first)
    sfn = client("stepfunctions")
    for machine in sfn.list_state_machines()["stateMachines"]:
        if campaign["_id"] in machine["name"]:
            sfn.delete_state_machine(stateMachineArn=machine["stateMachineArn"])
    transaction_id = start(who, campaign, second)
    run = JourneyRuns().get(who.environment_id, transaction_id, second)
    assert run is not None and execution_status(run) == "RUNNING"


def test_stopping_a_run_aborts_its_execution_and_a_missing_execution_is_no_error():
    who = caller()
    campaign, reader = journey(who), subscriber(who)
    run = JourneyRuns().get(who.environment_id, start(who, campaign, reader), reader)
    assert run is not None
    machines.stop_run(run, "test")
    assert execution_status(run) == "ABORTED"
    gone = run | {"executionArn": run["executionArn"].rsplit(":", 1)[0] + ":run-never-started"}
    machines.stop_run(gone, "test")
    assert machines.current_state(gone) is None


# service: cancel, list, track


def test_cancelling_a_journey_stops_the_targets_running_runs_and_counts_the_others():
    who = caller()
    campaign = journey(who)
    reader = subscriber(who, email="reader@example.com")
    running = [start(who, campaign, reader) for _ in range(2)]
    runs = JourneyRuns()
    done = run_item(environmentId=who.environment_id, campaignId=campaign["_id"], subscriberId=reader)
    runs.create(done | {"status": "completed"})
    request = CancelJourneyRequest.model_validate({"targets": [{"email": "reader@example.com"}]})
    result = journeys.cancel_journey(who, campaign["_id"], request)
    assert result.model_dump() == {"cancelled": 2, "alreadyCancelled": 0, "alreadyCompleted": 1, "subscribers": 1}
    for transaction_id in running:
        run = runs.get(who.environment_id, transaction_id, reader)
        assert run is not None and run["status"] == "cancelled" and execution_status(run) == "ABORTED"
    again = journeys.cancel_journey(who, campaign["_id"], request)
    assert (again.cancelled, again.alreadyCancelled, again.alreadyCompleted) == (0, 2, 1)


def test_cancelling_a_journey_leaves_other_subscribers_runs_running():
    who = caller()
    campaign = journey(who)
    target, bystander = subscriber(who), subscriber(who)
    transaction_id = start(who, campaign, target, bystander)
    request = CancelJourneyRequest.model_validate({"targets": [{"subscriberId": target}]})
    assert journeys.cancel_journey(who, campaign["_id"], request).cancelled == 1
    kept = JourneyRuns().get(who.environment_id, transaction_id, bystander)
    assert kept is not None and kept["status"] == "running"


def test_cancelling_or_listing_runs_of_an_unknown_campaign_is_not_found():
    request = CancelJourneyRequest.model_validate({"targets": [{"subscriberId": "ada"}]})
    with pytest.raises(NotFound):
        journeys.cancel_journey(caller(), new_id(), request)
    with pytest.raises(NotFound):
        journeys.list_runs(caller(), new_id(), "ada", 10)


def test_cancelling_a_transactions_runs_stops_each_running_one_once():
    who = caller()
    campaign = journey(who)
    transaction_id = start(who, campaign, subscriber(who), subscriber(who))
    assert journeys.cancel_transaction_runs(who.environment_id, transaction_id) == 2
    assert journeys.cancel_transaction_runs(who.environment_id, transaction_id) == 0


def test_a_subscribers_runs_are_listed_newest_first_a_running_ones_step_from_its_execution(still: StillClock):
    who = caller()
    campaign, reader = journey(who), subscriber(who)
    older = start(who, campaign, reader)
    still.advance(timedelta(minutes=1))
    newer = start(who, campaign, reader)
    journeys.cancel_transaction_runs(who.environment_id, older)
    listed = journeys.list_runs(who, campaign["_id"], reader, 10)
    assert [(run.transactionId, run.status) for run in listed] == [(newer, "running"), (older, "cancelled")]
    assert listed[0].currentStep == "A State"  # moto's canned history: the execution is asked, not the item
    assert listed[1].history[-1].status == "cancelled"


def test_tracking_an_event_records_it_and_resumes_the_runs_waiting_for_it():
    _, run = waiting("signup")
    who = Principal(new_id(), run["environmentId"], frozenset())
    hit = HitEventRequest.model_validate({"subscriberId": run["subscriberId"], "name": "signup"})
    assert track_event(who, hit).resumedRuns == 1
    assert track_event(who, hit).resumedRuns == 0
    assert [item["timestamp"] for item in hits(who.environment_id, run["subscriberId"])] == [clock.timestamp_now()] * 2


def test_an_events_timestamp_with_an_offset_is_kept_in_utc():
    who = caller()
    hit = {"subscriberId": "ada", "name": "signup", "timestamp": "2027-03-10T09:15:00+01:00"}
    track_event(who, HitEventRequest.model_validate(hit))
    [stored] = hits(who.environment_id, "ada")
    assert stored["timestamp"] == "2027-03-10T08:15:00.000Z"


@pytest.mark.parametrize("timestamp", ["2027-03-10T09:15:00", "yesterday", "2027-13-40T00:00:00Z"])
def test_an_events_timestamp_that_is_no_instant_is_refused_naming_timestamp(timestamp: str):
    hit = HitEventRequest.model_validate({"subscriberId": "ada", "name": "signup", "timestamp": timestamp})
    with pytest.raises(ValidationFailed) as refused:
        track_event(caller(), hit)
    assert refused.value.field == "timestamp"
