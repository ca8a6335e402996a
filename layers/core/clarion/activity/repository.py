"""What the activity API reads of MessagesTable: delivery records and notifications through the keys-only
TransactionIndex, SubscriberIndex and ActivityIndex (docs/data-model.md, "Delivery records")."""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice

from clarion import clock
from clarion.dynamo import DynamoTable, Expression, Item, is_transaction_cancelled
from clarion.settings import settings
from clarion.store.keys import (
    NOTIFICATION_SK,
    RECORD_SK,
    inbox_message_sk,
    inbox_pk,
    notifications_day_key,
    record_pk,
    subscriber_pk,
    transaction_key,
)

ACTIVITY_INDEX = "ActivityIndex"
KEYS_PER_READ = 100
# a notification's createdAt is read within moments of the second its `_id` starts with
_ID_TO_CREATED_SECONDS = 5


class IndexPartition:
    """One partition of a keys-only index sorted by createdAt."""

    def __init__(self, index: str, attribute: str, value: str) -> None:
        self.index, self.attribute, self.value = index, attribute, value

    @classmethod
    def transaction(cls, environment_id: str, transaction_id: str) -> "IndexPartition":
        return cls("TransactionIndex", "transactionKey", transaction_key(environment_id, transaction_id))

    @classmethod
    def subscriber(cls, environment_id: str, subscriber_id: str) -> "IndexPartition":
        return cls("SubscriberIndex", "subscriberKey", subscriber_pk(environment_id, subscriber_id))

    @classmethod
    def activity(cls, day_key: str) -> "IndexPartition":
        return cls(ACTIVITY_INDEX, "activityKey", day_key)


class ActivityRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def record(self, environment_id: str, message_id: str) -> Item | None:
        return self.table.get(record_pk(environment_id, message_id), RECORD_SK, consistent=True)

    def delete_record(self, environment_id: str, message_id: str, subscriber_id: str) -> bool:
        """Deletes the record and its in-app copy in the subscriber's inbox, if any; False when the record is gone."""
        try:
            self.table.transact(
                [
                    self.table.delete_op(record_pk(environment_id, message_id), RECORD_SK, "attribute_exists(pk)"),
                    self.table.delete_op(inbox_pk(environment_id, subscriber_id), inbox_message_sk(message_id)),
                ]
            )
        except Exception as error:
            if is_transaction_cancelled(error):
                return False
            raise
        return True

    def delete_transaction_records(self, environment_id: str, transaction_id: str, channel: str | None) -> int:
        """Deletes the transaction's records (of `channel` only, if given) and the in-app copies in their subscribers'
        inboxes, a page of TransactionIndex at a time; returns how many records it deleted."""
        deleted = 0
        keys = self.keys([IndexPartition.transaction(environment_id, transaction_id)])
        while batch := list(islice(keys, KEYS_PER_READ)):
            records = [
                record
                for record in self.table.batch_get(batch)
                if record["sk"] == RECORD_SK and channel in (None, record["channel"])
            ]
            inbox_copies = [
                (inbox_pk(environment_id, record["subscriberId"]), inbox_message_sk(record["_id"]))
                for record in records
                if record["channel"] == "in_app"
            ]
            self.table.batch_write(deletes=[(record["pk"], record["sk"]) for record in records] + inbox_copies)
            deleted += len(records)
        return deleted

    def notification(self, environment_id: str, transaction_id: str) -> Item | None:
        return self.table.get(transaction_key(environment_id, transaction_id), NOTIFICATION_SK)

    def notification_by_id(self, environment_id: str, notification_id: str) -> Item | None:
        """The notification whose `_id` is `notification_id`: the id's leading seconds give its day and the
        moments of its createdAt, so only the few notifications created around that second are read."""
        seconds = timedelta(seconds=_ID_TO_CREATED_SECONDS)
        moment = datetime.fromtimestamp(int(notification_id[:8], 16), UTC)
        start, end = moment - seconds, moment + seconds
        keys: list[Item] = []
        for day in sorted({start.date(), end.date()}):
            condition = Expression(
                "activityKey = :day AND createdAt BETWEEN :start AND :end",
                values={
                    ":day": notifications_day_key(environment_id, day.isoformat()),
                    ":start": _iso(start),
                    ":end": _iso(end),
                },
            )
            keys += self._keys(ACTIVITY_INDEX, condition, newest_first=False)
        return next((item for item in self.table.batch_get(keys) if item.get("_id") == notification_id), None)

    def keys(self, partitions: Iterable[IndexPartition], *, newest_first: bool = True) -> Iterator[Item]:
        """The keys of every item of `partitions`, partition after partition, each in createdAt order (newest
        first unless told otherwise), read a page at a time as the caller consumes them."""
        for partition in partitions:
            condition = Expression("#k = :k", {"#k": partition.attribute}, {":k": partition.value})
            yield from self._keys(partition.index, condition, newest_first=newest_first)

    def records(self, environment_id: str, message_ids: Iterable[str]) -> list[Item]:
        """The records of those of `message_ids` that exist, in the order of `message_ids`."""
        return self.table.batch_get([{"pk": record_pk(environment_id, m), "sk": RECORD_SK} for m in message_ids])

    def items(self, keys: Iterable[Item]) -> Iterator[Item]:
        """The items at `keys` in their order, read a batch at a time as the caller consumes them."""
        batch: list[Item] = []
        for key in keys:
            batch.append(key)
            if len(batch) == KEYS_PER_READ:
                yield from self.table.batch_get(batch)
                batch = []
        if batch:
            yield from self.table.batch_get(batch)

    def get_many(self, keys: list[Item]) -> list[Item]:
        return self.table.batch_get(keys)

    def count(self, partitions: Iterable[IndexPartition], *, at_most: int) -> int:
        """How many items `partitions` hold together, counted with Select=COUNT queries (no item is read), no
        further than `at_most`."""
        total = 0
        for partition in partitions:
            total += self.table.count(partition.index, {partition.attribute: partition.value}, at_most=at_most - total)
            if total >= at_most:
                break
        return total

    def _keys(self, index: str, condition: Expression, *, newest_first: bool) -> Iterator[Item]:
        items = self.table.query_items(condition, index=index, newest_first=newest_first, page_size=KEYS_PER_READ)
        return ({"pk": item["pk"], "sk": item["sk"]} for item in items)


def _iso(moment: datetime) -> str:
    return clock.timestamp(moment)
