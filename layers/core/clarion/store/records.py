"""Delivery records in MessagesTable: one per message of any channel (docs/data-model.md, "Delivery records").

`status` moves queued → sending → sent | failed, or back to queued after a transient failure. The claim is one
conditional UpdateItem, so a job delivered twice finds its record no longer queued and sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, cast

from clarion import clock
from clarion.dynamo import DynamoTable, Expression, Item
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store import keys
from clarion.store.keys import RECORD_SK, record_pk

if TYPE_CHECKING:
    from clarion.store.entities import DeliveryRecord

Channel = Literal["email", "sms", "push", "in_app", "chat"]
CHANNELS: tuple[Channel, ...] = ("email", "sms", "push", "in_app", "chat")
RETENTION_SECONDS = 90 * 24 * 3600
SENDING_SHARDS = 4


def sending_key(message_id: str) -> str:
    """SendingIndex partition of a claimed record: spread over SENDING_SHARDS by the id's last character (the
    index is read by housekeeping across environments; no request path reads it)."""
    return keys.sending_key(ord(message_id[-1]) % SENDING_SHARDS)


def index_keys(record: DeliveryRecord) -> Item:
    """The keys of the record in TransactionIndex, SubscriberIndex and ActivityIndex (all sorted by createdAt)."""
    environment_id = record["environmentId"]
    index = {
        "subscriberKey": keys.subscriber_pk(environment_id, record["subscriberId"]),
        "activityKey": keys.messages_day_key(environment_id, record["createdAt"][:10]),
    }
    if transaction_id := record.get("transactionId"):
        index["transactionKey"] = keys.transaction_key(environment_id, transaction_id)
    return index


def new_record(
    environment_id: str,
    subscriber_id: str,
    channel: Channel,
    *,
    to: Item,
    content: Item,
    campaign_id: str | None = None,
    transaction_id: str | None = None,
    provider_id: str | None = None,
) -> DeliveryRecord:
    """A queued record, ready for `DeliveryRecords.create_many` (content already rendered)."""
    now = clock.timestamp_now()
    return {
        "_id": new_id(),
        "environmentId": environment_id,
        "subscriberId": subscriber_id,
        "campaignId": campaign_id,
        "transactionId": transaction_id,
        "channel": channel,
        "status": "queued",
        "history": [{"status": "queued", "at": now}],
        "to": to,
        "content": content,
        "providerId": provider_id,
        "providerMessageId": None,
        "attempts": 0,
        "createdAt": now,
        "updatedAt": now,
        "expiresAt": int(clock.epoch_seconds()) + RETENTION_SECONDS,
    }


class DeliveryRecords:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def create_many(self, records: Iterable[DeliveryRecord]) -> int:
        """Writes the records (25 a request); returns the requests made."""
        return self.table.batch_write(
            record | {"pk": record_pk(record["environmentId"], record["_id"]), "sk": RECORD_SK} | index_keys(record)
            for record in records
        )

    def get(self, environment_id: str, message_id: str) -> DeliveryRecord | None:
        item = self.table.get(record_pk(environment_id, message_id), RECORD_SK, consistent=True)
        return cast("DeliveryRecord | None", item)

    def claim(self, environment_id: str, message_id: str) -> DeliveryRecord | None:
        """Moves a queued record to sending and returns it whole; None when there is no queued record (already
        claimed by an earlier delivery of the job, finished, cancelled, or not in this environment)."""
        also = "attempts = attempts + :one, sendingKey = :sendingKey, claimedAt = :now"
        update = _transition("sending", {":queued": "queued"}, also)
        update.values |= {":one": 1, ":sendingKey": sending_key(message_id)}
        # no attribute_exists(pk): a missing record has no status, so the condition fails all the same
        claimed = self.table.update(
            record_pk(environment_id, message_id), RECORD_SK, update, condition="#status = :queued"
        )
        return cast("DeliveryRecord | None", claimed)

    def mark_sent(self, sent: list[tuple[DeliveryRecord, str]]) -> int:
        """Records a batch's sent messages (record as claimed, provider message id) with batch writes, 25 a
        request. Each record is rewritten whole: while a record is `sending`, only its sender changes it."""
        now = clock.timestamp_now()
        items = []
        for record, provider_message_id in sent:
            entry = {"status": "sent", "at": now, "providerMessageId": provider_message_id} | _provider(record)
            items.append(
                {name: value for name, value in record.items() if name != "sendingKey"}  # leaves SendingIndex
                | {"status": "sent", "updatedAt": now, "providerMessageId": provider_message_id}
                | {"history": [*record.get("history", []), entry]}
            )
        return self.table.batch_write(items)

    def mark_failed(self, record: DeliveryRecord, reason: str) -> None:
        self._write(record, _transition("failed", history={"reason": reason} | _provider(record)))

    def cancel_queued(self, environment_id: str, message_id: str, reason: str) -> DeliveryRecord | None:
        """Queued → cancelled, in one conditional write no sender's claim can interleave with; None if not queued."""
        update = _transition("cancelled", {":queued": "queued"}, history={"reason": reason})
        condition = "attribute_exists(pk) AND #status = :queued"
        cancelled = self.table.update(record_pk(environment_id, message_id), RECORD_SK, update, condition=condition)
        return cast("DeliveryRecord | None", cancelled)

    def mark_cancelled(self, record: DeliveryRecord, reason: str) -> None:
        """A claimed record that must not be sent after all (its campaign was stopped)."""
        self._write(record, _transition("cancelled", history={"reason": reason}))

    def requeue(self, record: DeliveryRecord, reason: str) -> None:
        """Back to queued after a transient failure, so the job's next delivery can claim it again."""
        self._write(record, _transition("queued", history={"reason": reason} | _provider(record)))

    def settle_stuck(
        self, environment_id: str, message_id: str, claimed_at: str, status: str, reason: str
    ) -> DeliveryRecord | None:
        """A claim stuck in sending (its sender died) moved to `status` (queued again, or failed), if it is still
        that claim; None otherwise."""
        update = _transition(status, {":sending": "sending", ":claimedAt": claimed_at}, history={"reason": reason})
        update.text += " REMOVE sendingKey"
        condition = "#status = :sending AND claimedAt = :claimedAt"
        settled = self.table.update(record_pk(environment_id, message_id), RECORD_SK, update, condition=condition)
        return cast("DeliveryRecord | None", settled)

    def _write(self, record: DeliveryRecord, update: Expression) -> None:
        """A claimed record's outcome: it leaves SendingIndex (claims only)."""
        update.text += " REMOVE sendingKey"
        self.table.update(record_pk(record["environmentId"], record["_id"]), RECORD_SK, update)


def _transition(status: str, values: Item | None = None, also: str = "", history: Item | None = None) -> Expression:
    """SET status, updatedAt and `also`, appending {status, at, **history} to the record's history."""
    now = clock.timestamp_now()
    sets = ["#status = :status", "updatedAt = :now", "history = list_append(history, :entry)"]
    if also:
        sets.append(also)
    entry: dict[str, Any] = {"status": status, "at": now} | (history or {})
    return Expression(
        "SET " + ", ".join(sets),
        names={"#status": "status"},
        values={":status": status, ":now": now, ":entry": [entry]} | (values or {}),
    )


def _provider(record: DeliveryRecord) -> Item:
    return {"providerId": record["providerId"]} if record.get("providerId") else {}
