"""SQS event source mappings: poll the queue, deliver batches, delete what succeeded."""

from __future__ import annotations

import logging
from typing import Any

from moto.sqs.models import sqs_backends

from local.events import sqs_event
from local.functions import FunctionRegistry, LambdaError
from local.stack import EventSourceMapping

log = logging.getLogger(__name__)


class QueuePoller:
    def __init__(self, mapping: EventSourceMapping, registry: FunctionRegistry, sqs: Any, region: str) -> None:
        self.mapping = mapping
        self.registry = registry
        self.sqs = sqs
        self.region = region
        self.queue_url: str = sqs.get_queue_url(QueueName=mapping.source_arn.rsplit(":", 1)[-1])["QueueUrl"]
        _, _, _, queue_region, account_id, self.queue_name = mapping.source_arn.split(":", 5)
        self._backend = sqs_backends[account_id][queue_region]

    def poll(self) -> int:
        """Deliver one batch; returns how many messages it held (0: nothing visible)."""
        if not self.mapping.enabled or self._empty():
            return 0
        messages = self._receive()
        if not messages:
            return 0
        try:
            response = self.registry.invoke(
                self.mapping.function_id, sqs_event(messages, self.mapping.source_arn, self.region)
            )
        except LambdaError:
            return len(messages)  # the whole batch becomes visible again after the visibility timeout
        failed = self._failed_ids(response, messages)
        done = [message for message in messages if message["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(done[start : start + 10])
            ]
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        return len(messages)

    def _empty(self) -> bool:
        """Whether the queue holds no message at all, visible or not, read in moto's memory (moto runs in this
        process, as for local.ttl): most polls find nothing, and a ReceiveMessage costs ~2.5 ms CPU through the client
        and moto's parsing, seven queues at each tick of a drain."""
        queue = self._backend.queues.get(self.queue_name)
        return queue is not None and not queue._messages

    def _receive(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < self.mapping.batch_size:
            received = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.mapping.batch_size - len(messages)),
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not received:
                break
            messages.extend(received)
        return messages

    def _failed_ids(self, response: Any, messages: list[dict[str, Any]]) -> set[str]:
        """Lambda's rules for ReportBatchItemFailures: an invalid response fails the whole batch."""
        if not self.mapping.report_batch_item_failures:
            return set()
        everything = {message["MessageId"] for message in messages}
        if not isinstance(response, dict) or not response.get("batchItemFailures"):
            return set()
        failures = response["batchItemFailures"]
        if not isinstance(failures, list):
            return everything
        identifiers = {failure.get("itemIdentifier") if isinstance(failure, dict) else None for failure in failures}
        if not identifiers <= everything:
            log.error("%s: invalid batchItemFailures %s: the whole batch fails", self.mapping.function_id, failures)
            return everything
        return {str(identifier) for identifier in identifiers}
