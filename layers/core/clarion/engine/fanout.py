"""The dispatcher's work for one dispatch job: the audience a page at a time → delivery records → channel jobs.

Exactly-once records. Each record's id is derived from (environment, transaction, subscriber, step index), so a
job run again after a crash, or a subscriber reached twice (listed and in a topic), maps to the same record.
Per page the dispatcher reads which of those records exist (one BatchGetItem per 100), batch-writes only the
missing ones, then enqueues the new queued records and the existing ones still `queued` and never claimed (a crash
may have come between the write and the enqueue). A record a sender has claimed is never written or enqueued again:
its job is in its queue, waiting out a backoff, or in the DLQ for an operator to redrive. A job enqueued twice is
harmless: the sender's conditional claim lets only one delivery send. This costs ~0.01
request a message where a conditional PutItem per record would cost one; the one race it leaves, two
dispatchers running the same job at once, cannot happen while the queue's visibility timeout (1800 s) exceeds
the function's timeout (300 s) and each run stops `margin_ms` before its deadline.

Records are always written before their jobs are enqueued, so a sender never receives a job without a record.
Before each page the dispatcher reads the trigger's notification: a cancelled transaction gets no more records
(clarion.engine.cancel); reaching the end of the audience is noted on it as `dispatchedAt`.

A journey's recipients get runs: they belong to a package above the engine (clarion.journeys), which the caller
passes in as `Runners`. The other kinds of dispatch job (clarion.engine.dispatch_jobs) are handed to their own
handlers, with their `active_campaign`, by the dispatcher's table (clarion.campaigns.dispatch).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from aws_lambda_powertools import Logger

from clarion.delivery import jobs
from clarion.dynamo import Item
from clarion.engine import trigger_extras
from clarion.engine.audience import AudiencePage, in_zone, read_page
from clarion.engine.dispatch_jobs import SendJob, ZoneJob
from clarion.engine.dispatch_queue import send_dispatch_job
from clarion.engine.job_types import TriggerContext
from clarion.engine.messages import records_for, suppressions_of
from clarion.engine.notifications import Notifications
from clarion.engine.record_store import DispatchedRecords
from clarion.engine.steps import is_journey
from clarion.inbox.expiry import with_inbox_expiry
from clarion.preferences.service import allowed_channels
from clarion.store.campaigns import CampaignsRepository
from clarion.store.preferences import PreferencesRepository
from clarion.store.records import Channel

if TYPE_CHECKING:
    from clarion.store import entities

PAGE_SIZE = 500
"""Recipients a page: each page costs a cancellation check and a Query of the audience, plus reads and writes that
DynamoDB and SQS batch by 100, 25 and 10; 500 spreads the first two over five times as many messages as 100 did."""
MARGIN_MS = 60_000
logger = Logger(child=True)


@dataclass
class DispatchOutcome:
    recipients: int = 0
    records: int = 0
    enqueued: int = 0
    continued: bool = False


JourneyRecipient = tuple[str, str, dict[str, Any], Item]
"""(subscriberId, transactionId, payload, trigger extras) of one run to start."""


class Runners(NamedTuple):
    """The work of a dispatch job that a package above the engine owns: starting a journey's runs. Passed in by the
    dispatcher, so the engine never imports its callers."""

    start_runs: Callable[[str, entities.Campaign, Iterable[JourneyRecipient], dict[str, entities.Subscriber]], int]


class Run(NamedTuple):
    """One dispatcher invocation, as its job's handler sees it: the time left, and how it pages the audience."""

    remaining_ms: Callable[[], int]
    runners: Runners
    page_size: int = PAGE_SIZE
    margin_ms: int = MARGIN_MS

    def short_of_time(self) -> bool:
        return self.remaining_ms() < self.margin_ms


def active_campaign(environment_id: str, campaign_id: str) -> entities.Campaign | None:
    """The job's campaign (its inbox expiry resolved) while it is active; None: the job does nothing."""
    campaign = CampaignsRepository().get(environment_id, campaign_id)
    if campaign is None or campaign["status"] != "active":
        logger.info("campaign gone or no longer active: nothing dispatched", extra={"campaignId": campaign_id})
        return None
    return with_inbox_expiry(environment_id, campaign)


def send_audience(job: SendJob | ZoneJob, campaign: entities.Campaign, run: Run) -> DispatchOutcome:
    """A `send` or `zone` job: fans the audience out until it is exhausted or less than `run.margin_ms` remain; then
    queues a continuation (the same job with the next page's cursor). At least one page is done per run."""
    outcome = DispatchOutcome()
    cursor = job.cursor
    context = job.context()
    notifications = Notifications()
    while True:
        if notifications.is_cancelled(job.environmentId, job.transactionId):
            logger.info("transaction cancelled: the rest is not dispatched", extra={"cursor": cursor})
            return outcome
        page = read_page(job.environmentId, job.targets, cursor, page_size=run.page_size)
        if isinstance(job, ZoneJob):
            page = in_zone(page, job.zone)
        _dispatch_page(context, campaign, page, outcome, run.runners)
        cursor = page.next_cursor
        if cursor is None:
            notifications.mark_dispatched(job.environmentId, job.transactionId)
            return outcome
        if run.short_of_time():
            send_dispatch_job(job.model_copy(update={"cursor": cursor}))
            outcome.continued = True
            return outcome


def _dispatch_page(
    context: TriggerContext, campaign: entities.Campaign, page: AudiencePage, outcome: DispatchOutcome, runners: Runners
) -> None:
    recipients = [(context, subscriber_id) for subscriber_id in page.subscriber_ids]
    records = recipient_records(context["environmentId"], campaign, recipients, page.profiles, runners)
    store_and_enqueue(context["environmentId"], records, outcome)
    outcome.recipients += len(page.subscriber_ids)


def recipient_records(
    environment_id: str,
    campaign: entities.Campaign,
    recipients: list[tuple[TriggerContext, str]],
    profiles: dict[str, entities.Subscriber],
    runners: Runners,
) -> list[entities.DeliveryRecord]:
    """The records of each (job, subscriber), the subscribers' preferences read in one go. A journey writes no
    records here: each recipient gets a run of its state machine (`runners.start_runs`)."""
    if is_journey(campaign.get("steps") or []):
        runs = [(s, job["transactionId"], job["payload"], trigger_extras.extras_of(job)) for job, s in recipients]
        runners.start_runs(environment_id, campaign, runs, profiles)
        return []
    subscriber_ids = list(dict.fromkeys(subscriber_id for _, subscriber_id in recipients))
    # a critical campaign reaches every channel: its preferences need no read
    preferences = (
        {}
        if campaign.get("critical")
        else PreferencesRepository().items_for_campaign(environment_id, subscriber_ids, campaign["_id"])
    )
    suppressions = suppressions_of(environment_id, campaign, [profiles[s] for s in subscriber_ids if s in profiles])
    records: list[entities.DeliveryRecord] = []
    for job, subscriber_id in recipients:

        def allowed(subscriber_id: str = subscriber_id, job: TriggerContext = job) -> dict[str, bool]:
            return allowed_channels(campaign, preferences.get(subscriber_id, []), job.get("workflowOverride"))

        profile = profiles.get(subscriber_id)
        records += records_for(job, campaign, subscriber_id, profile, allowed, suppressions=suppressions)
    return records


def store_and_enqueue(environment_id: str, records: list[entities.DeliveryRecord], outcome: DispatchOutcome) -> None:
    """Writes the records not written yet, then enqueues every one that may lack its job (see the module's
    docstring)."""
    records = list({record["_id"]: record for record in records}.values())  # a page never names one twice; be sure
    store = DispatchedRecords()
    existing = store.jobs_needed(environment_id, [record["_id"] for record in records])
    store.write([record for record in records if record["_id"] not in existing])
    to_enqueue: dict[Channel, list[jobs.Job]] = defaultdict(list)
    for record in records:
        if existing.get(record["_id"], record["status"] == "queued"):
            to_enqueue[record["channel"]].append({"environmentId": environment_id, "messageId": record["_id"]})
    for channel, channel_jobs in to_enqueue.items():
        jobs.enqueue(channel, channel_jobs)
    outcome.records += len(records) - len(existing)
    outcome.enqueued += sum(len(channel_jobs) for channel_jobs in to_enqueue.values())
