"""The senders: one Lambda per channel claims each job's record, calls the channel's provider once, and records
the outcome. A job whose record is not queued is acknowledged without a provider call (exactly once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.delivery import jobs, routing
from clarion.delivery.campaign_gate import cancel_reason
from clarion.delivery.errors import DeliveryFailure, TransientFailure
from clarion.job_batches import SqsJobRecord, process_jobs
from clarion.store.records import Channel, DeliveryRecords

if TYPE_CHECKING:
    from clarion.store import entities

logger = Logger(child=True)
tracer = Tracer()
metrics = Metrics()


class JobRecord(SqsJobRecord[jobs.Job]):
    """A channel queue message: its body is a job (clarion.delivery.jobs); a malformed one fails, to end in the DLQ
    for inspection."""


def send_jobs(channel: Channel, event: dict[str, Any], context: LambdaContext | None = None) -> dict[str, Any]:
    """Delivers a batch of SQS jobs; the jobs to retry are reported in `batchItemFailures`, even when all are."""
    sent: list[tuple[entities.DeliveryRecord, str]] = []
    response = process_jobs(event, JobRecord, lambda record: deliver(channel, record, sent), context)
    # One write for the batch's outcomes. Should it fail, the records stay `sending`: never sent twice.
    if sent:
        DeliveryRecords().mark_sent(sent)
    return response


@tracer.capture_method
def deliver(channel: Channel, job: JobRecord, sent: list[tuple[entities.DeliveryRecord, str]]) -> None:
    """Claims the job's record and calls the provider; a sent message joins `sent`, recorded by the caller."""
    environment_id, message_id = job.body["environmentId"], job.body["messageId"]
    records = DeliveryRecords()
    record = records.claim(environment_id, message_id)
    if record is None:
        logger.info("job skipped: its record is not queued", extra={"messageId": message_id})
        metrics.add_metric(name="JobsSkipped", unit=MetricUnit.Count, value=1)
        return
    if (reason := cancel_reason(record)) is not None:
        records.mark_cancelled(record, reason)
        logger.info("message cancelled: its campaign was stopped", extra={"messageId": message_id})
        metrics.add_metric(name="MessagesCancelled", unit=MetricUnit.Count, value=1)
        return
    try:
        provider_message_id = routing.send(channel, record)  # through its integrations, failing over
    except DeliveryFailure as failure:
        _failed(channel, job, records, record, failure)
        return
    except Exception as error:
        # the error's text can quote an address, so only its type is logged
        logger.error(
            "provider raised an unexpected error", extra={"messageId": message_id, "error": type(error).__name__}
        )
        _failed(channel, job, records, record, TransientFailure(type(error).__name__))
        return
    sent.append((record, provider_message_id))
    logger.info("message sent", extra={"messageId": message_id})
    metrics.add_metric(name="MessagesSent", unit=MetricUnit.Count, value=1)


class RetryLater(Exception):
    """The job failed transiently: reported as a batch item failure so SQS delivers it again after the backoff."""


def _failed(
    channel: Channel,
    job: JobRecord,
    records: DeliveryRecords,
    record: entities.DeliveryRecord,
    failure: DeliveryFailure,
) -> None:
    log = {"messageId": record["_id"], "code": failure.code, "attempts": record["attempts"]}
    if not failure.retryable:
        records.mark_failed(record, failure.reason)
        logger.warning("message failed permanently", extra=log)
        metrics.add_metric(name="MessagesFailed", unit=MetricUnit.Count, value=1)
        return
    records.requeue(record, failure.reason)
    jobs.postpone(channel, job.receiptHandle, jobs.backoff_seconds(record["attempts"]))
    logger.warning("message will be retried", extra=log)
    metrics.add_metric(name="MessagesRetried", unit=MetricUnit.Count, value=1)
    raise RetryLater(failure.code)
