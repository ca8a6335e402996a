"""SQS batches of typed job bodies: Powertools' BatchProcessor with a record model. A body its model refuses is a
batch item failure, retried and then left in the queue's DLQ, logged with the fields and error types at fault, never
the body (it can hold addresses and payloads); the batch's other jobs go on."""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.base import FailureResponse
from aws_lambda_powertools.utilities.batch.exceptions import ExceptionInfo
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

logger = Logger(child=True)


def refusals(error: ValidationError) -> list[str]:
    """`field.path: error_type` of each refusal: what is wrong, without the values (pydantic's messages quote them)."""
    details = error.errors(include_url=False, include_context=False, include_input=False)
    return [f"{'.'.join(str(part) for part in detail['loc'])}: {detail['type']}" for detail in details]


class TypedJobsProcessor(BatchProcessor):
    def __init__(self, model: type[SqsRecordModel]) -> None:
        # Without raise_on_entire_batch_failure=False, a batch whose every job fails raises instead of returning the
        # failures, and SQS would retry them all after the full visibility timeout, ignoring each job's backoff.
        super().__init__(event_type=EventType.SQS, model=model, raise_on_entire_batch_failure=False)
        self.model_name = model.__name__

    def failure_handler(self, record: Any, exception: ExceptionInfo) -> FailureResponse:
        error = exception[1]
        if isinstance(error, ValidationError) and error.title == self.model_name:
            extra = {"sqsMessageId": record.message_id, "model": self.model_name, "errors": refusals(error)}
            logger.error("malformed job body: reported as a batch item failure", extra=extra)
        return super().failure_handler(record, exception)


def process_jobs(
    event: dict[str, Any], model: type[SqsRecordModel], handler: Callable[[Any], None], context: LambdaContext | None
) -> dict[str, Any]:
    """Runs `handler` on each record of the batch, parsed as `model`; answers SQS's `batchItemFailures`."""
    processor = TypedJobsProcessor(model)
    return dict(process_partial_response(event=event, record_handler=handler, processor=processor, context=context))
