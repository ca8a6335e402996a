"""Every subscriber of an environment, a page of ids at a time (a send to `all`, a segment's pass over profiles)."""

from __future__ import annotations

import base64
import json
from typing import Any

from clarion.aws import client
from clarion.dynamo import DynamoTable, Expression, from_item, to_item
from clarion.settings import settings
from clarion.store.keys import PROFILE_SK, subscriber_pk, subscribers_list_pk
from clarion.subscribers.indexes import LIST_INDEX


class AllSubscribers:
    """The environment's subscriberIds from the keys-only ListIndex: ~100 bytes a key, resumable by cursor."""

    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def ids_page(self, environment_id: str, *, limit: int, cursor: str | None) -> tuple[list[str], str | None]:
        key = Expression("listPk = :pk", values={":pk": subscribers_list_pk(environment_id)})
        params: dict[str, Any] = {"TableName": self.table.name, "IndexName": LIST_INDEX, "Limit": limit}
        params |= key.params("KeyConditionExpression")
        if cursor:
            params["ExclusiveStartKey"] = to_item(json.loads(base64.urlsafe_b64decode(cursor)))
        response = client("dynamodb").query(**params)
        ids = [from_item(item)["listSk"] for item in response["Items"]]
        last = response.get("LastEvaluatedKey")
        next_cursor = base64.urlsafe_b64encode(json.dumps(from_item(last)).encode()).decode() if last else None
        return ids, next_cursor

    @staticmethod
    def cursor_after(environment_id: str, subscriber_id: str) -> str:
        """The cursor of the page that starts after `subscriber_id` (a reader that stopped inside a page)."""
        last = {
            "listPk": subscribers_list_pk(environment_id),
            "listSk": subscriber_id,
            "pk": subscriber_pk(environment_id, subscriber_id),
            "sk": PROFILE_SK,
        }
        return base64.urlsafe_b64encode(json.dumps(last).encode()).decode()
