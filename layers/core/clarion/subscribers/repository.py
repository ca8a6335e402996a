"""Subscribers in SubscribersTable (layout in clarion.subscribers.layout)."""

from collections.abc import Iterable

from clarion.dynamo import DynamoTable, Item
from clarion.settings import settings
from clarion.subscribers.layout import PROFILE, subscriber_pk


class SubscribersRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def get(self, environment_id: str, subscriber_id: str) -> Item | None:
        """The subscriber's profile item, or None."""
        return self.table.get(subscriber_pk(environment_id, subscriber_id), PROFILE, consistent=True)

    def existing_ids(self, environment_id: str, subscriber_ids: Iterable[str]) -> set[str]:
        """Which of `subscriber_ids` exist in the environment (batch reads, 100 keys a request)."""
        wanted = list(dict.fromkeys(subscriber_ids))
        found = self.table.batch_get([{"pk": subscriber_pk(environment_id, s), "sk": PROFILE} for s in wanted])
        return {item["subscriberId"] for item in found}
