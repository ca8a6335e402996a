"""Cancelling a trigger (Novu's `DELETE /v1/events/trigger/{transactionId}`): what has not been sent yet is not.

While the dispatcher has not reached the end of the audience, the notification is marked cancelled FIRST, so
the dispatch jobs still queued write no more records (the dispatcher checks the mark once per page); then every
record of the transaction still `queued` moves to `cancelled` with a conditional UpdateItem, which a sender's
claim (also conditioned on `queued`) can never interleave with. One window remains: a page whose check passed
just before the mark was written, and whose records are written after the sweep read the index.

A journey's runs belong to clarion.journeys, above the engine: its caller passes their cancel in as `stop_runs`.
"""

from collections.abc import Callable

from clarion.clock import timestamp_now
from clarion.dynamo import Expression
from clarion.engine.notifications import Notifications
from clarion.principal import Principal
from clarion.store.keys import RECORD_SK, transaction_key
from clarion.store.records import DeliveryRecords

TRANSACTION_INDEX = "TransactionIndex"
CANCEL_REASON = "the trigger was cancelled"
PAGE_SIZE = 100


def cancel_transaction(caller: Principal, transaction_id: str, *, stop_runs: Callable[[str, str], int]) -> bool:
    """True when something was still to do and is now stopped; False when there was nothing left to cancel (an
    unknown transaction, one of another environment, one already cancelled, or one fully sent). `stop_runs`
    (environment, transaction) stops the transaction's journey runs and says how many it stopped."""
    environment_id = caller.environment_id
    notifications = Notifications()
    notification = notifications.get(environment_id, transaction_id)
    if notification is None or notification["status"] != "processing":
        return False
    fanout_pending = "dispatchedAt" not in notification
    if fanout_pending:
        notifications.mark_cancelled(environment_id, transaction_id)
    cancelled = QueuedRecords().cancel_all(environment_id, transaction_id)
    cancelled += stop_runs(environment_id, transaction_id)  # a journey's runs stop too
    if cancelled and not fanout_pending:
        notifications.mark_cancelled(environment_id, transaction_id)
    return fanout_pending or cancelled > 0


class QueuedRecords:
    def __init__(self, records: DeliveryRecords | None = None) -> None:
        self.records = records or DeliveryRecords()

    def cancel_all(self, environment_id: str, transaction_id: str) -> int:
        """Moves each of the transaction's records still queued to cancelled; returns how many moved."""
        table = self.records.table
        key = Expression("transactionKey = :key", values={":key": transaction_key(environment_id, transaction_id)})
        cancelled = 0
        for page in table.query_pages(key, index=TRANSACTION_INDEX, page_size=PAGE_SIZE):
            for record in table.batch_get([{"pk": item["pk"], "sk": RECORD_SK} for item in page]):
                if record["status"] == "queued":
                    cancelled += self._cancel(record["pk"])
        return cancelled

    def _cancel(self, pk: str) -> bool:
        now = timestamp_now()
        update = Expression(
            "SET #status = :cancelled, updatedAt = :now, history = list_append(if_not_exists(history, :empty), :entry)",
            names={"#status": "status"},
            values={
                ":cancelled": "cancelled",
                ":queued": "queued",
                ":now": now,
                ":empty": [],
                ":entry": [{"status": "cancelled", "at": now, "reason": CANCEL_REASON}],
            },
        )
        return self.records.table.update(pk, RECORD_SK, update, condition="#status = :queued") is not None
