"""Segments in SubscribersTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#SEGMENT#<segmentId>   SEGMENT         the segment: _id, name, description, rule, version, createdAt, updatedAt
ENV#<env>#COUNTERS              COUNT#SEGMENTS  `total`: the totalCount of a page in one read
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, added, set_or_remove
from clarion.settings import settings
from clarion.store.keys import SEGMENT_SK, SEGMENTS_COUNTER_SK, counters_pk, segment_pk, segments_list_pk
from clarion.subscribers.indexes import LIST_INDEX

if TYPE_CHECKING:
    from clarion.store.entities import Segment

_PRESENT = "attribute_exists(pk)"


class SegmentsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def get(self, environment_id: str, segment_id: str) -> Segment | None:
        found = self.table.get(segment_pk(environment_id, segment_id), SEGMENT_SK, consistent=True)
        return cast("Segment | None", found)

    def count(self, environment_id: str) -> int:
        return self.table.count_at(counters_pk(environment_id), SEGMENTS_COUNTER_SK)

    def list_page(self, environment_id: str, *, offset: int, limit: int) -> tuple[list[Segment], bool]:
        """Segments `offset` to `offset + limit` in id order (creation order), and whether more follow."""
        partition = {"listPk": segments_list_pk(environment_id)}
        found = self.table.offset_page(LIST_INDEX, partition, offset=offset, limit=limit)
        return cast("tuple[list[Segment], bool]", found)

    def create(self, environment_id: str, segment: Segment) -> None:
        item = {
            "pk": segment_pk(environment_id, segment["_id"]),
            "sk": SEGMENT_SK,
            "listPk": segments_list_pk(environment_id),
            "listSk": segment["_id"],
            **segment,
        }
        self.table.transact([self.table.put_op(item, NEW_ITEM), self._count_op(environment_id, 1)])

    def update(self, environment_id: str, segment_id: str, changes: dict[str, Any]) -> Segment | None:
        """Sets the fields of `changes` (None removes one) and increments `version`; None when it is gone."""
        update = set_or_remove(changes)
        update = Expression(
            f"{update.text} ADD #version :one",
            {**update.names, "#version": "version"},
            {**update.values, ":one": 1},
        )
        found = self.table.update(segment_pk(environment_id, segment_id), SEGMENT_SK, update, _PRESENT)
        return cast("Segment | None", found)

    def delete(self, environment_id: str, segment_id: str) -> bool:
        """Deletes the segment and uncounts it; False when it was not there."""
        operations = [
            self.table.delete_op(segment_pk(environment_id, segment_id), SEGMENT_SK, _PRESENT),
            self._count_op(environment_id, -1),
        ]
        return self.table.transact_unless_refused(operations)

    def _count_op(self, environment_id: str, change: int) -> dict[str, Any]:
        return self.table.update_op(counters_pk(environment_id), SEGMENTS_COUNTER_SK, added(change))
