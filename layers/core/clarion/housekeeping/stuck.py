"""Claims stuck in `sending`: the sender died between its claim and writing the outcome (a Lambda timeout, a crash,
a lost batch write after the provider calls).

Such a record may or may not have been sent: the claim is taken just before the provider call, so a sender that
died holding it most likely died in or after that call. The rule is **never twice**, which decides per channel:
- in-app: the inbox item is put under the record's id, so sending again cannot add a second. The record goes back
  to `queued` and its job is enqueued again.
- email, SMS, push, chat: SES, SNS and webhooks take no idempotency key, so sending again could deliver twice.
  The record ends `failed` with OUTCOME_UNKNOWN as its reason, for an operator or the app to decide; it is never
  resent on its own.

A claim counts as stuck after STUCK_AFTER: longer than the senders' queue visibility timeout (180 s) and their
30 s function timeout, so no live sender still holds it. Claims are found on SendingIndex (sparse: only `sending`
records carry `sendingKey`, sorted by `claimedAt`): one Query per shard reads only the claims older than the
cutoff, never the table.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.delivery import jobs
from clarion.dynamo import Expression
from clarion.store.keys import record_key_parts, sending_key
from clarion.store.records import SENDING_SHARDS, Channel, DeliveryRecords

SENDING_INDEX = "SendingIndex"
STUCK_AFTER = timedelta(minutes=15)
IDEMPOTENT_CHANNELS: frozenset[Channel] = frozenset({"in_app"})
REQUEUED_REASON = "stuck in sending for 15 minutes (its sender died): re-queued; the inbox keeps one copy"
OUTCOME_UNKNOWN = (
    "OutcomeUnknown: its sender died after claiming it, possibly after the provider accepted it; "
    "not resent, so that it is never delivered twice"
)
logger = Logger(child=True)


@dataclass
class Resolved:
    requeued: int = 0
    failed: int = 0


def resolve_stuck_claims(records: DeliveryRecords | None = None) -> Resolved:
    """Re-queues (in-app) or fails (other channels) every claim older than STUCK_AFTER."""
    records = records or DeliveryRecords()
    cutoff = clock.timestamp(clock.utc_now() - STUCK_AFTER)
    resolved = Resolved()
    to_enqueue: dict[Channel, list[jobs.Job]] = defaultdict(list)
    for shard in range(SENDING_SHARDS):
        for key in _claims_before(records, sending_key(shard), cutoff):
            environment_id, message_id = record_key_parts(key["pk"])
            if key.get("channel") in IDEMPOTENT_CHANNELS:
                record = records.settle_stuck(environment_id, message_id, key["claimedAt"], "queued", REQUEUED_REASON)
                if record is not None:  # else its sender finished meanwhile
                    to_enqueue[record["channel"]].append({"environmentId": environment_id, "messageId": message_id})
            elif records.settle_stuck(environment_id, message_id, key["claimedAt"], "failed", OUTCOME_UNKNOWN):
                resolved.failed += 1
    for channel, channel_jobs in to_enqueue.items():
        jobs.enqueue(channel, channel_jobs)
    resolved.requeued = sum(len(channel_jobs) for channel_jobs in to_enqueue.values())
    if resolved.requeued or resolved.failed:
        extra = {"requeued": resolved.requeued, "failed": resolved.failed, "at": clock.timestamp_now()}
        logger.warning("resolved claims stuck in sending", extra=extra)
    return resolved


def _claims_before(records: DeliveryRecords, sending_key: str, cutoff: str) -> Any:
    key = Expression("sendingKey = :key AND claimedAt < :cutoff", values={":key": sending_key, ":cutoff": cutoff})
    return records.table.query_items(key, index=SENDING_INDEX)
