"""Expired inbox messages deleted (issue 5): the feed already hides a message past its `expiresAt`; this removes it.

Messages are found on InboxExpiryIndex (sparse, keys only: `expiryKey` = the UTC hour the message expires in and a
shard, clarion.inbox.storage): each sweep reads the hours from the one after the last swept (a marker item, pk
`HOUSEKEEPING`, sk `INBOX_EXPIRY` in MessagesTable) to the last hour already over, a Query per hour and shard, and
batch-deletes what it finds, 25 a request. The marker moves after each hour with deletions and at the end, so a
sweep that dies is redone from there by the next (deleting again what is gone is harmless); a sweep looks back
LOOK_BACK_HOURS at most. DynamoDB's TTL (`expiresAt`) also deletes these items, within days on AWS and never on the
local stack; this makes it prompt and exact.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.dynamo import DynamoTable, Expression
from clarion.inbox.storage import EXPIRY_INDEX, EXPIRY_SHARDS, expiry_hour
from clarion.settings import settings
from clarion.store.keys import HOUSEKEEPING_PK, INBOX_EXPIRY_SWEEP_SK, inbox_expiry_key

MARKER = (HOUSEKEEPING_PK, INBOX_EXPIRY_SWEEP_SK)
# how far back a sweep looks at most (the first one, or one after a long outage): older expiries are DynamoDB TTL's
LOOK_BACK_HOURS = 48
logger = Logger(child=True)


def delete_expired_inbox_messages(table: DynamoTable | None = None) -> int:
    """Deletes the inbox messages whose expiry hour is over, hour by hour since the last sweep; returns how many."""
    table = table or DynamoTable(settings().messages_table)
    marker = table.get(*MARKER, consistent=True)
    last_over = _hour_start(clock.epoch_seconds()) - timedelta(hours=1)
    hour = last_over - timedelta(hours=LOOK_BACK_HOURS - 1)
    if marker:
        hour = max(hour, datetime.fromisoformat(marker["sweptHour"] + ":00+00:00") + timedelta(hours=1))
    deleted, name = 0, None
    while hour <= last_over:
        name = hour.strftime("%Y-%m-%dT%H")
        keys = [key for shard in range(EXPIRY_SHARDS) for key in _keys(table, inbox_expiry_key(name, shard))]
        if keys:
            table.batch_write(deletes=keys)
            _mark_swept(table, name)  # the work so far is not redone should the sweep die now
        deleted += len(keys)
        hour += timedelta(hours=1)
    if name is not None:
        _mark_swept(table, name)
    if deleted:
        logger.info("expired inbox messages deleted", extra={"count": deleted})
    return deleted


def _mark_swept(table: DynamoTable, hour: str) -> None:
    table.put({"pk": MARKER[0], "sk": MARKER[1], "sweptHour": hour, "sweptAt": clock.timestamp_now()})


def _hour_start(epoch_seconds: float) -> datetime:
    return datetime.fromisoformat(expiry_hour(epoch_seconds) + ":00+00:00")


def _keys(table: DynamoTable, key_value: str) -> Iterator[tuple[str, str]]:
    key = Expression("expiryKey = :key", values={":key": key_value})
    return ((item["pk"], item["sk"]) for item in table.query_items(key, index=EXPIRY_INDEX))
