"""The Lambda tasks of journey state machines (JourneyTaskFunction): each gets the execution's state and returns it
with its step's outcome under `steps.<id>` (clarion.journeys.compiler describes the state).

Every task first reads the campaign version the run follows (an immutable snapshot) and records its step on the
run, conditioned on the run still running: a cancelled run's task raises RunNotRunning and does nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from clarion import clock
from clarion.conditions import matches
from clarion.dynamo import Item
from clarion.engine.job_types import TriggerContext
from clarion.engine.layouts import layouts_of_trigger
from clarion.engine.steps import MAX_STEPS, SEND, step_type
from clarion.journeys.events import EventWaits
from clarion.journeys.gates import Digests, Throttles, key_hash
from clarion.journeys.graph import step_id
from clarion.journeys.local_time import next_local_time
from clarion.journeys.machines import snapshot
from clarion.journeys.runs import JourneyRuns
from clarion.journeys.step_models import JourneyConditionGroup
from clarion.journeys.units import UNIT_SECONDS
from clarion.preferences.service import allowed_channels
from clarion.store.keys import RECORD_SK, digest_pk, record_pk, throttle_pk
from clarion.store.preferences import PreferencesRepository
from clarion.store.records import DeliveryRecords
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities


@dataclass
class Task:
    state: Item
    campaign: entities.CampaignVersion
    index: int
    step: Item
    name: str
    event: Item

    @property
    def run(self) -> Item:
        return dict(self.state["run"])

    @property
    def environment_id(self) -> str:
        return str(self.state["run"]["environmentId"])

    def outcome(self, status: str, **fields: Any) -> None:
        self.state["steps"][self.name] = {"status": status} | fields

    def record(self, status: str, detail: Item | None = None) -> None:
        JourneyRuns().record_step(self.run, self.name, status, detail)

    def profile(self) -> entities.Subscriber | None:
        """The subscriber as it is now (not as it was at the trigger)."""
        return SubscribersRepository().get(self.environment_id, self.run["subscriberId"])

    def visit(self) -> int:
        """Counts this pass through the step; returns how many passes came before."""
        visits = self.state.setdefault("visits", {})
        before = int(visits.get(self.name, 0))
        visits[self.name] = before + 1
        return before


def run_task(event: Item) -> Item:
    state = event["state"]
    run = state["run"]
    campaign = snapshot(run["environmentId"], run["campaignId"], int(run["version"]))
    steps = campaign["steps"]
    index = next(i for i in range(len(steps)) if step_id(steps, i) == event["stepId"])
    task = Task(state, campaign, index, steps[index], event["stepId"], event)
    ACTIONS[event["action"]](task)
    return task.state


def send(task: Task) -> None:
    # the dispatcher's engine (~250 ms of cold start): no other journey task needs it
    from clarion.engine.fanout import DispatchOutcome, store_and_enqueue  # noqa: PLC0415 - cold start
    from clarion.engine.messages import message_id, records_for, suppressions_of  # noqa: PLC0415 - cold start
    from clarion.engine.trigger_extras import layout_named  # noqa: PLC0415 - cold start

    run = task.run
    environment_id, subscriber_id, transaction_id = task.environment_id, run["subscriberId"], run["transactionId"]
    profile = task.profile()
    visit = task.visit()
    digest = task.state.get("digest")
    payload = run["payload"] | ({"digest": digest} if digest else {})
    fields = {
        "environmentId": environment_id,
        "campaignId": run["campaignId"],
        "transactionId": transaction_id,
        "payload": payload,
    }
    # the trigger's actor, tenant and overrides; Novu's `step.digest`, `step.events` and `step.total_count`
    job = cast(TriggerContext, fields | task.state.get("trigger", {}) | ({"digest": digest} if digest else {}))
    sends = [step for step in task.campaign["steps"] if step_type(step) == SEND]
    layout = layout_named(job.get("overrides"))
    # the layouts of every send step, read once for the run's trigger
    layouts_of_trigger(environment_id, transaction_id, task.campaign | {"steps": sends}, layout)

    def preferences() -> dict[str, bool]:
        items = {} if task.campaign.get("critical") else _preferences(environment_id, subscriber_id, run["campaignId"])
        return allowed_channels(task.campaign, items.get(subscriber_id, []), job.get("workflowOverride"))

    step_campaign = task.campaign | {"steps": [task.step]}
    suppressions = suppressions_of(environment_id, step_campaign, [profile] if profile else [])
    [record] = records_for(job, step_campaign, subscriber_id, profile, preferences, suppressions=suppressions)
    record["_id"] = message_id(environment_id, transaction_id, subscriber_id, task.index + MAX_STEPS * visit)
    record["stepIndex"] = task.index
    detail = {"channel": task.step["channel"], "messageId": record["_id"]}
    task.record(record["status"], detail)  # before the enqueue: a cancelled run sends nothing
    store_and_enqueue(environment_id, [record], DispatchOutcome())
    task.outcome(record["status"], **detail)


def local_time(task: Task) -> None:
    wait = task.step["wait"]
    profile = task.profile()
    timezone = (profile.get("timezone") if profile else None) or wait.get("timezone")
    until = next_local_time(clock.utc_now(), wait["timeOfDay"], timezone)
    task.outcome("waiting", until=_zulu(until.timestamp()), timezone=timezone or "UTC")
    task.record("waiting", {"until": task.state["steps"][task.name]["until"]})


def branch(task: Task) -> None:
    step = task.step
    passes = task.visit() + 1
    target, rule = step["default"], None
    if not step.get("maxVisits") or passes <= step["maxVisits"]:
        sources = {
            "subscriber": task.profile() or {},
            "payload": task.run["payload"],
            "steps": _fresh_outcomes(task.environment_id, task.state["steps"]),
        }
        for number, candidate in enumerate(step["branches"]):
            groups = [JourneyConditionGroup.model_validate(group) for group in candidate["conditions"]]
            if matches(groups, sources):
                target, rule = candidate["next"], number
                break
    task.state["steps"][task.name] = {"status": "branched", "next": target, "rule": rule}
    task.record("branched", {"next": target, "rule": rule})


def digest(task: Task) -> None:
    spec, run = task.step["digest"], task.run
    pk = _gate_pk(digest_pk, task, spec.get("key"))
    window_seconds = spec["amount"] * UNIT_SECONDS[spec["unit"]]
    entry = Digests().enter(pk, run["transactionId"], run["payload"], window_seconds, run.get("createdAt", ""))
    if entry.leader:
        task.outcome("collecting", until=_zulu(entry.until))
        task.record("collecting", {"until": task.state["steps"][task.name]["until"]})
    else:
        task.outcome("digested")
        task.state["end"] = "digested"
        task.record("digested")


def digest_release(task: Task) -> None:
    pk = _gate_pk(digest_pk, task, task.step["digest"].get("key"))
    collected = Digests().release(pk, task.run["transactionId"])
    task.state["digest"] = collected
    task.outcome("released", count=collected["count"])
    task.record("released", {"count": collected["count"]})


def throttle(task: Task) -> None:
    spec, run = task.step["throttle"], task.run
    pk = _gate_pk(throttle_pk, task, spec.get("key"))
    ticket = key_hash({"t": run["transactionId"]}, "t")
    passed = Throttles().admit(pk, spec["limit"], spec["amount"] * UNIT_SECONDS[spec["unit"]], ticket)
    status = "passed" if passed else "throttled"
    task.outcome(status)
    if not passed:
        task.state["end"] = "throttled"
    task.record(status)


def await_event(task: Task) -> None:
    wait = task.step["wait"]
    timeout = wait["amount"] * UNIT_SECONDS[wait.get("unit") or "seconds"]
    task.record("waiting", {"event": wait["event"]})
    EventWaits().register(task.run, task.name, wait["event"], task.event["token"], timeout)


ACTIONS: dict[str, Callable[[Task], None]] = {
    "send": send,
    "local_time": local_time,
    "branch": branch,
    "digest": digest,
    "digest_release": digest_release,
    "throttle": throttle,
    "await_event": await_event,
}


def _preferences(environment_id: str, subscriber_id: str, campaign_id: str) -> dict[str, list[entities.Preference]]:
    return PreferencesRepository().items_for_campaign(environment_id, [subscriber_id], campaign_id)


def _fresh_outcomes(environment_id: str, outcomes: Item) -> Item:
    """Earlier steps' outcomes, a send's status read again from its delivery record (sent, failed, ...)."""
    sent = {name: o["messageId"] for name, o in outcomes.items() if isinstance(o, dict) and o.get("messageId")}
    keys = [{"pk": record_pk(environment_id, message), "sk": RECORD_SK} for message in sent.values()]
    statuses = {record["_id"]: record["status"] for record in DeliveryRecords().table.batch_get(keys)}
    return {
        name: outcome | ({"status": statuses[sent[name]]} if name in sent and sent[name] in statuses else {})
        for name, outcome in outcomes.items()
    }


def _gate_pk(gate_pk: Callable[[str, str, str, str, str], str], task: Task, key_path: str | None) -> str:
    run = task.run
    return gate_pk(
        task.environment_id, run["campaignId"], task.name, run["subscriberId"], key_hash(run["payload"], key_path)
    )


def _zulu(epoch_seconds: float) -> str:
    """Whole seconds, rounded up (Step Functions drops fractions), with a `Z`."""
    return datetime.fromtimestamp(math.ceil(epoch_seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
