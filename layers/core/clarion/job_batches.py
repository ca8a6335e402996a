"""SQS batches of typed job bodies: Powertools' BatchProcessor with a record model. A body its model refuses is a
batch item failure, retried and then left in the queue's DLQ, logged with the fields and error types at fault, never
the body (it can hold addresses and payloads); the batch's other jobs go on."""

from __future__ import annotations  # `SqsJobRecord[Any]` in a signature would build a model class at import

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.base import FailureResponse
from aws_lambda_powertools.utilities.batch.exceptions import ExceptionInfo
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Json, ValidationError

from clarion.models import Model

logger = Logger(child=True)
T = TypeVar("T")
# Powertools' batch module imports every parser model (~50 ms) when pydantic was imported before it: a consumer's
# handler imports it first (tests/contract/test_consumer_imports.py).


class SqsJobRecord(Model, Generic[T]):
    """An SQS record as a job's handler sees it: its ids, and its body parsed as the queue's job (`T`). Powertools'
    SqsRecordModel would do as well, but importing its parser package adds ~50 ms to each consumer's cold start."""

    messageId: str
    receiptHandle: str
    body: Json[T]


def refusals(error: ValidationError) -> list[str]:
    """`field.path: error_type` of each refusal: what is wrong, without the values (pydantic's messages quote them)."""
    details = error.errors(include_url=False, include_context=False, include_input=False)
    return [f"{'.'.join(str(part) for part in detail['loc'])}: {detail['type']}" for detail in details]


class TypedJobsProcessor(BatchProcessor):
    def __init__(self, model: type[SqsJobRecord[Any]]) -> None:
        # Without raise_on_entire_batch_failure=False, a batch whose every job fails raises instead of returning the
        # failures, and SQS would retry them all after the full visibility timeout, ignoring each job's backoff.
        super().__init__(
            event_type=EventType.SQS,
            model=model,  # type: ignore[arg-type]  # Powertools types its own record models; any pydantic model works
            raise_on_entire_batch_failure=False,
        )
        self.model_name = model.__name__

    def failure_handler(self, record: Any, exception: ExceptionInfo) -> FailureResponse:
        error = exception[1]
        if isinstance(error, ValidationError) and error.title == self.model_name:
            extra = {"sqsMessageId": record.message_id, "model": self.model_name, "errors": refusals(error)}
            logger.error("malformed job body: reported as a batch item failure", extra=extra)
        return super().failure_handler(record, exception)


def process_jobs(
    event: dict[str, Any], model: type[SqsJobRecord[Any]], handler: Callable[[Any], None], context: LambdaContext | None
) -> dict[str, Any]:
    """Runs `handler` on each record of the batch, parsed as `model`; answers SQS's `batchItemFailures`."""
    processor = TypedJobsProcessor(model)
    return dict(process_partial_response(event=event, record_handler=handler, processor=processor, context=context))
