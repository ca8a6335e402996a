"""In-app messages: put in the subscriber's inbox under the delivery record's id, so a retry never adds a second.

The put is the in-app provider call: single-attempt like the other providers' (a throttled inbox fails the send at
once, and the job is retried by its queue after its backoff, not by the sender sleeping in botocore's retries)."""

from typing import TYPE_CHECKING

from clarion import clock
from clarion.delivery.errors import aws_failure
from clarion.delivery.providers import required
from clarion.dynamo import DynamoTable, Item
from clarion.errors import Conflict
from clarion.inbox.repository import InboxRepository
from clarion.models import Request
from clarion.realtime.push import push_unseen_count
from clarion.settings import settings

if TYPE_CHECKING:
    from clarion.store import entities

SECRET_FIELDS: frozenset[str] = frozenset()
UNSEEN_PUSHED_AT_MOST = 100
"""The unseen count a push carries counts no further (the widget API's default `limit`)."""


class Credentials(Request):
    """The inbox is Clarion's own: nothing to configure."""


class Inbox:
    def send(self, record: "entities.DeliveryRecord") -> str:
        content = record["content"]
        message: Item = {
            "_id": record["_id"],
            "content": required(record, "content", "body"),
            "payload": content.get("payload") or {},
            "templateIdentifier": content.get("templateIdentifier"),
            "_templateId": record.get("campaignId"),
            "transactionId": record.get("transactionId"),
        }
        if content.get("cta"):
            message["cta"] = content["cta"]
        message |= {name: content[name] for name in ("actor", "actorSubscriber") if content.get(name)}  # Novu's
        if content.get("expireAt"):  # the campaign's or environment's inbox expiry (clarion.inbox.expiry)
            message["expireAt"] = content["expireAt"]
        inbox = InboxRepository(DynamoTable(settings().messages_table, single_attempt=True))
        try:
            inbox.put_message(record["environmentId"], record["subscriberId"], message)
        except Conflict:
            pass  # an earlier attempt put it there, then failed to record it as sent
        except Exception as error:
            raise aws_failure(error) from error
        environment_id, subscriber_id = record["environmentId"], record["subscriberId"]
        push_unseen_count(  # never raises: a failed push leaves the message to the inbox's next poll
            environment_id,
            subscriber_id,
            lambda: inbox.unseen_count(
                environment_id, subscriber_id, now=clock.epoch_seconds(), at_most=UNSEEN_PUSHED_AT_MOST
            ),
        )
        return str(record["_id"])


def adapter(credentials: Credentials) -> Inbox:
    return PROVIDER


def check(credentials: Credentials) -> None:
    """The inbox is always there."""


PROVIDER = Inbox()
