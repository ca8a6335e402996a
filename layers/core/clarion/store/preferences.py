"""Preference items in the subscriber's partition of SubscribersTable (keys in clarion.store.keys).

`PREF#GLOBAL` holds the choices for every campaign, `PREF#CAMPAIGN#<campaignId>` those for one campaign. Each
holds only what the subscriber chose: `enabled` if it was set, `channels` with the channels it turned on or off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, Expression
from clarion.errors import Conflict
from clarion.settings import settings
from clarion.store.keys import GLOBAL_PREFERENCE_SK, PREFERENCE_PREFIX, campaign_preference_sk, subscriber_pk

if TYPE_CHECKING:
    from clarion.store.entities import Preference


class PreferencesRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def items_for(self, environment_id: str, subscriber_id: str) -> list[Preference]:
        """Every preference item of the subscriber, global and per campaign: one Query of its partition."""
        partition = subscriber_pk(environment_id, subscriber_id)
        items = self.table.partition_items(partition, prefix=PREFERENCE_PREFIX, page_size=1000)
        return cast("list[Preference]", list(items))

    def items_for_campaign(
        self, environment_id: str, subscriber_ids: list[str], campaign_id: str
    ) -> dict[str, list[Preference]]:
        """For each subscriber, the preference items that decide one campaign (its global and that campaign's):
        two keys a subscriber, read 100 keys a BatchGetItem, so a page of 100 recipients costs two requests."""
        keys = [
            {"pk": subscriber_pk(environment_id, subscriber_id), "sk": sk}
            for subscriber_id in subscriber_ids
            for sk in (GLOBAL_PREFERENCE_SK, campaign_preference_sk(campaign_id))
        ]
        by_partition: dict[str, list[Preference]] = {}
        for item in self.table.batch_get(keys):
            by_partition.setdefault(item["pk"], []).append(cast("Preference", item))
        return {s: by_partition.get(subscriber_pk(environment_id, s), []) for s in subscriber_ids}

    def save(self, environment_id: str, subscriber_id: str, item: Preference, *, read: Preference | None) -> Preference:
        """Stores `item` at its sort key; `read` is the item the change started from (None: there was none),
        so of two concurrent changes the second is refused (409) instead of silently undoing the first."""
        version = (read or {}).get("version", 0)
        stored = item | {"pk": subscriber_pk(environment_id, subscriber_id), "version": version + 1}
        if read is None:
            condition = NEW_ITEM
        else:
            condition = Expression("#version = :version", {"#version": "version"}, {":version": version})
        if not self.table.put(stored, condition):
            raise Conflict("the preferences were changed by another request; read them again and retry")
        return stored
