"""What the dispatcher reads and writes of the delivery records (MessagesTable, clarion.store.records)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from clarion.store.keys import RECORD_SK, record_pk
from clarion.store.records import DeliveryRecords

if TYPE_CHECKING:
    from clarion.store.entities import DeliveryRecord


class DispatchedRecords:
    def __init__(self, records: DeliveryRecords | None = None) -> None:
        self.records = records or DeliveryRecords()

    def jobs_needed(self, environment_id: str, message_ids: Iterable[str]) -> dict[str, bool]:
        """Of the records that already exist, whether each may lack its job: `queued` and never claimed. A record a
        sender has tried has its job in its queue (waiting out a backoff) or in the DLQ (100 keys a BatchGetItem)."""
        keys = [{"pk": record_pk(environment_id, message_id), "sk": RECORD_SK} for message_id in message_ids]
        return {
            item["_id"]: item["status"] == "queued" and not item.get("attempts")
            for item in self.records.table.batch_get(keys)
        }

    def write(self, records: list[DeliveryRecord]) -> None:
        if records:
            self.records.create_many(records)
