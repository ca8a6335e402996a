"""In-app messages: put in the subscriber's inbox under the delivery record's id, so a retry never adds a second."""

from contextlib import suppress

from clarion.delivery.providers import required
from clarion.dynamo import Item
from clarion.errors import Conflict
from clarion.inbox.repository import InboxRepository


class Inbox:
    def send(self, record: Item) -> str:
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
        with suppress(Conflict):  # an earlier attempt put it there, then failed to record it as sent
            InboxRepository().put_message(record["environmentId"], record["subscriberId"], message)
        return str(record["_id"])


PROVIDER = Inbox()
