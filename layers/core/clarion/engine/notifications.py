"""The notification item: one per trigger (Novu's activity entry), pk `ENV#<env>#TX#<transactionId>`, sk
`NOTIFICATION`, in ActivityIndex under its day (docs/data-model.md, MessagesTable).

It is also the transaction's cancellation marker: cancelling sets `status` to "cancelled", which the dispatcher
reads once per page before writing records; `dispatchedAt` says the dispatcher reached the end of the audience.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.clock import timestamp_now
from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item
from clarion.errors import Conflict
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store.keys import NOTIFICATION_SK, notifications_day_key, transaction_key

if TYPE_CHECKING:
    from clarion.engine.job_types import Targets
    from clarion.store import entities
    from clarion.store.entities import Notification

SUMMARY_SUBSCRIBERS = 100


class Notifications:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def create(
        self,
        environment_id: str,
        transaction_id: str,
        campaign: entities.Campaign,
        payload: dict[str, Any],
        targets: Targets,
        *,
        tenant: Item | None = None,
    ) -> Notification:
        """Writes the notification of a new trigger; a transactionId already used in the environment is a 409."""
        created_at = timestamp_now()
        item: Notification = {
            "pk": transaction_key(environment_id, transaction_id),
            "sk": NOTIFICATION_SK,
            "_id": new_id(),
            "transactionId": transaction_id,
            "environmentId": environment_id,
            "campaignId": campaign["_id"],
            "templateIdentifier": campaign["identifier"],
            "payload": payload,
            "to": {
                "subscriberIds": targets["subscriberIds"][:SUMMARY_SUBSCRIBERS],
                "topicKeys": targets["topicKeys"],
                "all": targets["all"],
            },
            "channels": list(campaign.get("channels") or []),
            "status": "processing",
            "createdAt": created_at,
            "activityKey": notifications_day_key(environment_id, created_at[:10]),
        }
        if targets.get("listIds"):
            item["to"]["listIds"] = targets["listIds"]
        if targets.get("segment"):
            item["to"]["segmentId"] = targets["segment"]["_id"]
        if tenant:
            item["tenant"] = tenant
        if not self.table.put(item, NEW_ITEM):
            raise Conflict(
                "transactionId property is not unique, please make sure all triggers have a unique transactionId",
                field="transactionId",
                value=transaction_id,
            )
        return item

    def get(self, environment_id: str, transaction_id: str) -> Notification | None:
        item = self.table.get(transaction_key(environment_id, transaction_id), NOTIFICATION_SK, consistent=True)
        return cast("Notification | None", item)

    def is_cancelled(self, environment_id: str, transaction_id: str) -> bool:
        notification = self.get(environment_id, transaction_id)
        return notification is not None and notification["status"] == "cancelled"

    def mark_dispatched(self, environment_id: str, transaction_id: str) -> None:
        """The dispatcher wrote every record of the audience: a later cancel has only records left to stop."""
        self.table.update(
            transaction_key(environment_id, transaction_id),
            NOTIFICATION_SK,
            Expression("SET dispatchedAt = :now", values={":now": timestamp_now()}),
            condition="attribute_exists(pk)",
        )

    def mark_cancelled(self, environment_id: str, transaction_id: str) -> bool:
        """Processing → cancelled; False when there is no such notification or it was already cancelled."""
        update = Expression(
            "SET #status = :cancelled, cancelledAt = :now",
            names={"#status": "status"},
            values={":cancelled": "cancelled", ":processing": "processing", ":now": timestamp_now()},
        )
        pk = transaction_key(environment_id, transaction_id)
        condition = "attribute_exists(pk) AND #status = :processing"
        return self.table.update(pk, NOTIFICATION_SK, update, condition=condition) is not None
