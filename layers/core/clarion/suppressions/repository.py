"""Suppressions in SubscribersTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#SUPPRESSION#<channel>#<sha256>  SUPPRESSION                channel, address, reason, source, createdAt
ENV#<env>#COUNTERS                        COUNT#SUPPRESSIONS#<channel> `total`: the totalCount of a page in one read
ListIndex: ENV#<env>#SUPPRESSIONS#<channel> / <createdAt>#<sha256>: the listing, oldest first
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, added
from clarion.settings import settings
from clarion.store.keys import (
    SUPPRESSION_SK,
    counters_pk,
    suppression_pk,
    suppressions_counter_sk,
    suppressions_list_pk,
)
from clarion.subscribers.indexes import LIST_INDEX

if TYPE_CHECKING:
    from clarion.store.entities import Suppression

_PRESENT = "attribute_exists(pk)"


class SuppressionsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def add(self, environment_id: str, suppression: Suppression) -> bool:
        """Stores the suppression and counts it; False, changing nothing, when the address is suppressed already."""
        channel, address = suppression["channel"], suppression["address"]
        pk = suppression_pk(environment_id, channel, address)
        item = {
            "pk": pk,
            "sk": SUPPRESSION_SK,
            "listPk": suppressions_list_pk(environment_id, channel),
            "listSk": f"{suppression['createdAt']}#{pk.rpartition('#')[2]}",
            **suppression,
        }
        return self.table.transact_unless_refused(
            [self.table.put_op(item, NEW_ITEM), self._count_op(environment_id, channel, 1)]
        )

    def get(self, environment_id: str, channel: str, address: str) -> Suppression | None:
        found = self.table.get(suppression_pk(environment_id, channel, address), SUPPRESSION_SK, consistent=True)
        return cast("Suppression | None", found)

    def remove(self, environment_id: str, channel: str, address: str) -> bool:
        """Deletes the suppression and uncounts it; False when the address was not suppressed."""
        delete = self.table.delete_op(suppression_pk(environment_id, channel, address), SUPPRESSION_SK, _PRESENT)
        return self.table.transact_unless_refused([delete, self._count_op(environment_id, channel, -1)])

    def found_among(self, environment_id: str, addresses: list[tuple[str, str]]) -> list[Suppression]:
        """The suppressions of those (channel, normalised address) pairs that are suppressed: one BatchGetItem per
        100 addresses."""
        keys = [{"pk": suppression_pk(environment_id, c, a), "sk": SUPPRESSION_SK} for c, a in dict.fromkeys(addresses)]
        return cast("list[Suppression]", self.table.batch_get(keys))

    def count(self, environment_id: str, channel: str) -> int:
        return self.table.count_at(counters_pk(environment_id), suppressions_counter_sk(channel))

    def list_page(
        self, environment_id: str, channel: str, *, offset: int, limit: int
    ) -> tuple[list[Suppression], bool]:
        """Suppressions `offset` to `offset + limit` of the channel, oldest first, and whether more follow."""
        partition = {"listPk": suppressions_list_pk(environment_id, channel)}
        found = self.table.offset_page(LIST_INDEX, partition, offset=offset, limit=limit)
        return cast("tuple[list[Suppression], bool]", found)

    def _count_op(self, environment_id: str, channel: str, change: int) -> dict[str, Any]:
        return self.table.update_op(counters_pk(environment_id), suppressions_counter_sk(channel), added(change))
