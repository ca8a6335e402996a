"""The dispatcher: one dispatch job per invocation (BatchSize 1), fanned out by clarion.campaigns.dispatch."""

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.campaigns.dispatch import dispatch

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    def dispatch_record(record: SQSRecord) -> None:
        outcome = dispatch(json.loads(record.body), remaining_ms=context.get_remaining_time_in_millis)
        logger.info("dispatched", extra={"recipients": outcome.recipients, "continued": outcome.continued})
        metrics.add_metric(name="MessagesQueued", unit=MetricUnit.Count, value=outcome.enqueued)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(
        process_partial_response(event=event, record_handler=dispatch_record, processor=processor, context=context)
    )
