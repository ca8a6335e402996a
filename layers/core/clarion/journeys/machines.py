"""One Standard state machine per step graph of a campaign, and the runs started on it.

Saving a journey compiles its steps and creates their machine, `<prefix><env>-<campaign>-<hash of the definition>`:
versions that change only templates, names or status share a machine, and a changed graph gets a new one. The
first run of a version writes a snapshot of the campaign as it was at that version (CampaignsTable
`JOURNEY#<campaign>#V#<v>`), which the Lambda tasks read: a run in flight finishes on the version it started on,
whatever is published meanwhile.

A run's execution name is derived from (environment, campaign, subscriber, transactionId): a dispatch job run
twice, or a subscriber reached twice by one trigger, cannot start a second run (ExecutionAlreadyExists).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools import Logger

from clarion.aws import client
from clarion.clock import timestamp_now
from clarion.dynamo import NEW_ITEM, DynamoTable, Item
from clarion.journeys.compiler import Compiler
from clarion.journeys.runs import JourneyRuns
from clarion.settings import settings
from clarion.store.keys import environment_pk, journey_snapshot_sk

if TYPE_CHECKING:
    from clarion.store import entities

logger = Logger(child=True)
SNAPSHOT_FIELDS = (
    "_id",
    "name",
    "identifier",
    "critical",
    "purpose",
    "preferenceSettings",
    "steps",
    "inboxExpiryDays",
    "version",
)
MAX_NAME = 80
DEFINITION_HASH = 8
_machines: dict[tuple[str, str, int], str] = {}
_lock = threading.Lock()


def machine_name(environment_id: str, campaign_id: str, definition_hash: str) -> str:
    prefix = settings().journey_state_machine_prefix
    name = f"{prefix}{environment_id}-{campaign_id}-{definition_hash}"
    if len(name) <= MAX_NAME:
        return name
    owner = hashlib.sha256(f"{environment_id}-{campaign_id}".encode()).hexdigest()
    return f"{prefix}{owner}"[: MAX_NAME - len(definition_hash) - 1] + f"-{definition_hash}"


def execution_name(environment_id: str, campaign_id: str, subscriber_id: str, transaction_id: str) -> str:
    key = "\x1f".join((environment_id, campaign_id, subscriber_id, transaction_id))
    return "run-" + hashlib.sha256(key.encode()).hexdigest()[:60]


def publish_machine(environment_id: str, campaign: entities.Campaign) -> str:
    """The ARN of the state machine of the campaign's steps, created if no version had those steps before."""
    definition = Compiler(settings().journey_task_function_name, settings().messages_table).compile(
        campaign["steps"], comment=f"campaign {campaign['_id']}"
    )
    text = json.dumps(definition, sort_keys=True)
    name = machine_name(environment_id, campaign["_id"], hashlib.sha256(text.encode()).hexdigest()[:DEFINITION_HASH])
    sfn = client("stepfunctions")
    try:
        arn: str = sfn.create_state_machine(
            name=name, definition=text, roleArn=settings().journey_role_arn, type="STANDARD"
        )["stateMachineArn"]
    except Exception as error:
        if _code(error) != "StateMachineAlreadyExists":
            raise
        arn = _machine_arn(name)
        if json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) != definition:
            raise RuntimeError(f"state machine {name} exists with another definition") from error
    return arn


def ensure_machine(environment_id: str, campaign: entities.Campaign) -> str:
    """The ARN of the campaign version's state machine, with the version's snapshot written first."""
    key = (environment_id, campaign["_id"], int(campaign["version"]))
    with _lock:
        if key in _machines:
            return _machines[key]
    snapshot = {name: campaign.get(name) for name in SNAPSHOT_FIELDS}
    table = DynamoTable(settings().campaigns_table)
    item = {"pk": environment_pk(environment_id), "sk": journey_snapshot_sk(campaign["_id"], key[2])} | snapshot
    table.put(item, NEW_ITEM)  # immutable: an existing snapshot is this version
    arn = publish_machine(environment_id, campaign)
    with _lock:
        _machines[key] = arn
    return arn


@lru_cache(maxsize=64)
def snapshot(environment_id: str, campaign_id: str, version: int) -> entities.CampaignVersion:
    """The campaign as it was at `version` (immutable, so cached by the container)."""
    found = DynamoTable(settings().campaigns_table).get(
        environment_pk(environment_id), journey_snapshot_sk(campaign_id, version)
    )
    if found is None:
        raise LookupError(f"no snapshot of campaign {campaign_id} version {version}")
    return cast("entities.CampaignVersion", found)


def start_runs(
    environment_id: str,
    campaign: entities.Campaign,
    recipients: Iterable[tuple[str, str, dict[str, Any], Item]],
    profiles: dict[str, entities.Subscriber],
) -> int:
    """One run per (subscriberId, transactionId, payload, trigger extras) whose subscriber exists; returns the runs
    started now. The run's send steps apply the extras (actor, tenant, overrides) as the trigger's own sends do."""
    arn = ensure_machine(environment_id, campaign)
    runs = JourneyRuns()
    started = 0
    for subscriber_id, transaction_id, payload, extras in recipients:
        if subscriber_id not in profiles:
            logger.info("no such subscriber: no run", extra={"transactionId": transaction_id})
            continue
        now = timestamp_now()
        run: entities.JourneyRun = {
            "environmentId": environment_id,
            "campaignId": campaign["_id"],
            "version": int(campaign["version"]),
            "subscriberId": subscriber_id,
            "transactionId": transaction_id,
        }
        name = execution_name(environment_id, campaign["_id"], subscriber_id, transaction_id)
        execution_arn = arn.replace(":stateMachine:", ":execution:") + f":{name}"
        runs.create(run | {"status": "running", "executionArn": execution_arn, "history": [], "createdAt": now})
        state = {"run": run | {"payload": payload, "createdAt": now}, "steps": {}, "visits": {}, "end": "completed"}
        if extras:
            state["trigger"] = extras
        started += _start(environment_id, campaign, arn, name, state)
    return started


def _start(environment_id: str, campaign: entities.Campaign, arn: str, name: str, state: Item) -> int:
    try:
        client("stepfunctions").start_execution(stateMachineArn=arn, name=name, input=json.dumps(state))
    except Exception as error:
        if _code(error) == "ExecutionAlreadyExists":
            return 0
        if _code(error) != "StateMachineDoesNotExist":
            raise
        with _lock:  # remembered from a stack that is gone (a redeployment): make it again
            _machines.pop((environment_id, campaign["_id"], int(campaign["version"])), None)
        arn = ensure_machine(environment_id, campaign)
        client("stepfunctions").start_execution(stateMachineArn=arn, name=name, input=json.dumps(state))
    return 1


def stop_run(run: entities.JourneyRun, reason: str) -> None:
    """Stops the run's execution (a Wait in progress is interrupted: status ABORTED)."""
    try:
        client("stepfunctions").stop_execution(executionArn=run["executionArn"], cause=reason)
    except Exception as error:
        if _code(error) not in ("ExecutionDoesNotExist", "ExecutionNotFound"):
            raise


def current_state(run: entities.JourneyRun) -> str | None:
    """The step a running execution is in, from its newest StateEntered event."""
    try:
        events = client("stepfunctions").get_execution_history(
            executionArn=run["executionArn"], reverseOrder=True, maxResults=20
        )["events"]
    except Exception as error:
        if _code(error) in ("ExecutionDoesNotExist", "ExecutionNotFound"):
            return None
        raise
    entered = [event for event in events if event["type"].endswith("StateEntered")]
    if not entered:
        return None
    newest = max(entered, key=lambda event: int(event["id"]))  # whatever order the history came in
    return str(newest["stateEnteredEventDetails"]["name"]).split(".")[0]


def _machine_arn(name: str) -> str:
    account = settings().journey_role_arn.split(":")[4]
    sfn = client("stepfunctions")
    partition = sfn.meta.partition
    return f"arn:{partition}:states:{sfn.meta.region_name}:{account}:stateMachine:{name}"


def _code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
