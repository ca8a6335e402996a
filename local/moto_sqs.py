"""Three of moto's SQS paths made to cost what they cost on SQS; their outcomes are moto's.

moto computes every attribute of a queue, the approximate message counts included (each a pass over all of the
queue's messages), where it needs one attribute: once per message received (the retention check) and once per
message sent (the content-based deduplication flag). Sending or receiving n messages through a queue holding n
therefore cost O(n²): 10,000 jobs took minutes. Here the retention check reads the queue's retention period,
and a send skips the counts, which it never reads. A DeleteMessageBatch made two passes over the queue per
receipt handle; here it makes one per batch. Listing a queue's visible messages read the clock twice per
message; here once per listing.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.sqs import models as sqs_models
from moto.sqs.models import Message, Queue, SQSBackend

_original_send = SQSBackend.send_message
_COUNTS = (
    "approximate_number_of_messages",
    "approximate_number_of_messages_delayed",
    "approximate_number_of_messages_not_visible",
)
_original_counts = {name: getattr(Queue, name) for name in _COUNTS}
_sending = threading.local()


def install() -> None:
    SQSBackend.delete_message_batch = _delete_message_batch  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = _retained  # type: ignore[method-assign]
    SQSBackend.send_message = _send_message  # type: ignore[method-assign]
    Queue.messages = property(_visible_messages)  # type: ignore[assignment,method-assign]
    for name, original in _original_counts.items():
        setattr(Queue, name, property(_skipped_while_sending(original)))


def _delete_message_batch(
    self: SQSBackend, queue_name: str, receipts: list[dict[str, Any]]
) -> tuple[list[str], list[dict[str, Any]]]:
    queue = self.get_queue(queue_name)
    wanted = {receipt["ReceiptHandle"] for receipt in receipts} - queue.deleted_messages
    if wanted:
        kept = []
        for message in queue._messages:
            if wanted.intersection(message.all_receipt_handles):
                queue.pending_messages.discard(message)
                queue.deleted_messages.update(message.all_receipt_handles)  # type: ignore[arg-type]
            else:
                kept.append(message)
        queue._messages = kept
    success, errors = [], []
    for receipt in receipts:
        if receipt["ReceiptHandle"] in queue.deleted_messages:
            success.append(receipt["Id"])
        else:
            text = f'The input receipt handle "{receipt["ReceiptHandle"]}" is not a valid receipt handle.'
            errors.append({"Id": receipt["Id"], "SenderFault": True, "Code": "ReceiptHandleIsInvalid", "Message": text})
    return success, errors


def _visible_messages(queue: Queue) -> list[Message]:
    now = sqs_models.unix_time_millis()
    return [m for m in queue._messages if now > m.visible_at and not now < m.delayed_until]


def _retained(self: SQSBackend, queue_name: str, message: Message) -> bool:
    retention_seconds = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
    return retention_seconds + message.sent_timestamp / 1000 > sqs_models.unix_time()  # type: ignore[operator]


def _send_message(self: SQSBackend, *args: Any, **kwargs: Any) -> Message:
    _sending.active = True
    try:
        return _original_send(self, *args, **kwargs)
    finally:
        _sending.active = False


def _skipped_while_sending(original: property) -> Any:
    def count(queue: Queue) -> int:
        if getattr(_sending, "active", False):
            return 0  # read by nothing while a message is sent
        value: int = original.fget(queue)  # type: ignore[misc]
        return value

    return count
