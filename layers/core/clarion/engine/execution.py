"""The dispatcher's work for a campaign execute job (clarion.campaigns.operations.execute_campaign): up to
EXECUTE_JOB_TARGETS targets, each with its own payload and id.

Per target: its user object upserted as a subscriber (as the client campaign trigger does), a notification whose
transactionId is the target's id (so the activity API finds the target's messages by it), then one record per
channel step with `transactionId` = the target's id, written and enqueued for the whole job at once. Run again
after a crash, the job finds the notifications and records it wrote (their ids are derived) and sends nothing twice.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from clarion.engine.dispatch_jobs import ExecuteJob
from clarion.engine.fanout import DispatchOutcome, Run, recipient_records, store_and_enqueue
from clarion.engine.job_types import ExecutionTarget, Targets, TriggerContext
from clarion.engine.notifications import Notifications
from clarion.engine.wire import TriggerUser
from clarion.errors import ClarionError, Conflict
from clarion.principal import Principal
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities

logger = Logger(child=True)


def dispatch_execution(job: ExecuteJob, campaign: entities.Campaign, run: Run) -> DispatchOutcome:
    outcome = DispatchOutcome()
    environment_id = job.environmentId
    targets = job.execution
    executor = Principal(client_id=job.clientId, environment_id=environment_id, scopes=frozenset())
    for target in targets:
        if "user" in target:
            _upsert(executor, target)
    notifications = Notifications()
    recipients: list[tuple[TriggerContext, str]] = []
    for target in targets:
        audience = Targets(subscriberIds=[target["subscriberId"]], topicKeys=[], all=False)
        with suppress(Conflict):  # a Conflict: written by an earlier run of this job
            notifications.create(environment_id, target["id"], campaign, target["payload"], audience)
        recipients.append((_target_context(job, target), target["subscriberId"]))
    subscriber_ids = list(dict.fromkeys(target["subscriberId"] for target in targets))
    profiles = SubscribersRepository().get_many(environment_id, subscriber_ids)
    records = recipient_records(environment_id, campaign, recipients, profiles, run.runners)
    store_and_enqueue(environment_id, records, outcome)
    outcome.recipients += len(targets)
    return outcome


def _upsert(executor: Principal, target: ExecutionTarget) -> None:
    # the subscribers' service and the trigger models load with the first target that names a user: most dispatcher
    # jobs are sends, and executes name users only from the client trigger
    from clarion.engine.triggers import upsert_user  # noqa: PLC0415 - cold start

    try:
        upsert_user(executor, TriggerUser.model_validate(target["user"]))
    except ClarionError as error:
        # validated when the execute was accepted; should the upsert still fail, the target's records say so
        # its message can quote the address that failed: only the error's type and field are logged
        extra = {"targetId": target["id"], "error": type(error).__name__, "field": error.field}
        logger.warning("execute target not upserted", extra=extra)


def _target_context(job: ExecuteJob, target: ExecutionTarget) -> TriggerContext:
    return TriggerContext(
        environmentId=job.environmentId,
        campaignId=job.campaignId,
        transactionId=target["id"],
        payload=target["payload"],
    )
