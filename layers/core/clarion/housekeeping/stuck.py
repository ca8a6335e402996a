"""Claims stuck in `sending`: the sender died between its claim and writing the outcome (a Lambda timeout, a crash).

Such a record may or may not have been sent: the provider call may have happened just before the sender died. The
choice here is **at least once**: after STUCK_AFTER (longer than the senders' queue visibility timeout, 180 s, and
their 30 s function timeout, so no live sender still holds the claim) the record goes back to `queued` with the
reason in its history and its job is enqueued again, so nothing accepted is silently lost; a duplicate is possible
only for a message whose provider call succeeded and whose outcome write was lost.

Claims are found on SendingIndex (sparse: only `sending` records carry `sendingKey`, sorted by `claimedAt`): one
Query per shard reads only the claims older than the cutoff, never the table.
"""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.aws import client
from clarion.delivery import jobs
from clarion.delivery.records import SENDING_SHARDS, Channel, DeliveryRecords
from clarion.dynamo import Expression, from_item
from clarion.ids import utc_now

SENDING_INDEX = "SendingIndex"
STUCK_AFTER = timedelta(minutes=15)
REASON = "stuck in sending for 15 minutes (its sender died): re-queued, it may already have been sent"
logger = Logger(child=True)


def requeue_stuck_claims(records: DeliveryRecords | None = None) -> int:
    """Re-queues every claim older than STUCK_AFTER; returns how many."""
    records = records or DeliveryRecords()
    cutoff = (clock.utc_now() - STUCK_AFTER).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    to_enqueue: dict[Channel, list[jobs.Job]] = defaultdict(list)
    for shard in range(SENDING_SHARDS):
        for key in _claims_before(records, f"SENDING#{shard}", cutoff):
            _, environment_id, _, message_id = key["pk"].split("#", 3)
            record = records.requeue_stuck(environment_id, message_id, key["claimedAt"], REASON)
            if record is not None:  # else its sender finished meanwhile
                to_enqueue[record["channel"]].append({"environmentId": environment_id, "messageId": message_id})
    for channel, channel_jobs in to_enqueue.items():
        jobs.enqueue(channel, channel_jobs)
    requeued = sum(len(channel_jobs) for channel_jobs in to_enqueue.values())
    if requeued:
        logger.warning("re-queued claims stuck in sending", extra={"count": requeued, "at": utc_now()})
    return requeued


def _claims_before(records: DeliveryRecords, sending_key: str, cutoff: str) -> Any:
    key = Expression("sendingKey = :key AND claimedAt < :cutoff", values={":key": sending_key, ":cutoff": cutoff})
    params: dict[str, Any] = {"TableName": records.table.name, "IndexName": SENDING_INDEX}
    params |= key.params("KeyConditionExpression")
    while True:
        response = client("dynamodb").query(**params)
        yield from (from_item(item) for item in response["Items"])
        if "LastEvaluatedKey" not in response:
            return
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
