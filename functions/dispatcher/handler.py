"""The dispatcher: one dispatch job per invocation (BatchSize 1), run by its kind's handler
(clarion.campaigns.dispatch)."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities import batch  # noqa: F401 - see clarion.job_batches: before any pydantic import
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.campaigns.dispatch import DispatchRecord, dispatch
from clarion.job_batches import process_jobs

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    def dispatch_record(record: DispatchRecord) -> None:
        job = record.body
        outcome = dispatch(job, remaining_ms=context.get_remaining_time_in_millis)
        extra = {"kind": job.kind, "recipients": outcome.recipients, "continued": outcome.continued}
        logger.info("dispatched", extra=extra)
        metrics.add_metric(name="MessagesQueued", unit=MetricUnit.Count, value=outcome.enqueued)

    return process_jobs(event, DispatchRecord, dispatch_record, context)
