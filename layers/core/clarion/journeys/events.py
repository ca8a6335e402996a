"""A subscriber's events (hits) and the journey runs waiting for them, in MessagesTable.

ENV#<env>#HITS#<subscriberId>              EVENT#<timestamp>#<id>                  the event as received (90 days)

An event is also counted on the subscriber's profile per UTC day (`eventHits`, clarion.audience.profile_hits), which
segments read.
ENV#<env>#AWAIT#<subscriberId>#<event>     RUN#<transactionId>#<campaignId>#<step>  a run's task token

A run reaching an event wait stores its task token under (subscriber, event name); an event sends each token
waiting for it the event (SendTaskSuccess) and deletes it. A token whose run timed out or was stopped meanwhile
is refused by Step Functions and only deleted. Events that came before a run started waiting do not resume it.
"""

import json
from typing import Any

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.audience.profile_hits import EVENT_HITS, record_on_profile
from clarion.aws import client
from clarion.dynamo import DynamoTable, Item
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store.keys import RUN_PREFIX, event_wait_pk, event_wait_sk, hit_sk, hits_pk, subscriber_pk

logger = Logger(child=True)
HIT_RETENTION_SECONDS = 90 * 24 * 3600
_GONE = ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken", "ExecutionDoesNotExist")


class EventWaits:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def register(self, run: Item, step: str, event: str, token: str, timeout_seconds: int) -> None:
        item = {
            "pk": event_wait_pk(run["environmentId"], run["subscriberId"], event),
            "sk": event_wait_sk(run["transactionId"], run["campaignId"], step),
            "token": token,
            "createdAt": clock.timestamp_now(),
            "expiresAt": int(clock.epoch_seconds()) + timeout_seconds + 86400,
        }
        self.table.put(item)

    def resume(self, environment_id: str, subscriber_id: str, event: str, output: Item) -> int:
        """Sends `output` to every run waiting for the event; returns how many went on."""
        pk = event_wait_pk(environment_id, subscriber_id, event)
        resumed = 0
        for waiting in list(self.table.partition_items(pk, prefix=RUN_PREFIX)):
            try:
                client("stepfunctions").send_task_success(taskToken=waiting["token"], output=json.dumps(output))
                resumed += 1
            except Exception as error:
                if getattr(error, "response", {}).get("Error", {}).get("Code") not in _GONE:
                    raise
                logger.info("event wait already over", extra={"sk": waiting["sk"]})
            self.table.batch_write(deletes=[(pk, waiting["sk"])])
        return resumed


def record_hit(environment_id: str, subscriber_id: str, name: str, properties: dict[str, Any], at: str) -> Item:
    """Keeps the event, and counts it on the subscriber's profile per day (`eventHits`, for segments) in the same
    transaction."""
    hit = {
        "pk": hits_pk(environment_id, subscriber_id),
        "sk": hit_sk(at, new_id()),
        "name": name,
        "properties": properties,
        "timestamp": at,
        "receivedAt": clock.timestamp_now(),
        "expiresAt": int(clock.epoch_seconds()) + HIT_RETENTION_SECONDS,
    }
    messages = DynamoTable(settings().messages_table)
    profile = subscriber_pk(environment_id, subscriber_id)
    profiles = DynamoTable(settings().subscribers_table)
    if not record_on_profile(profiles, profile, EVENT_HITS, [(name, at)], lambda: [messages.put_op(hit)]):
        messages.put(hit)  # no profile to count it on: the event is kept all the same
    return hit
