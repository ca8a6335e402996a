"""Promotions in CampaignsTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#PROMOTIONS   PROMOTION#<externalId>   the promotion, as the bonus engine last wrote it

One partition per environment: listing, filtering and counting are one Query (an environment holds hundreds of
promotions, not millions).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from clarion.aws import client
from clarion.dynamo import DynamoTable, Expression, from_item, is_condition_failed, set_or_remove
from clarion.settings import settings
from clarion.store.keys import PROMOTION_PREFIX, promotion_sk, promotions_pk

if TYPE_CHECKING:
    from clarion.store.entities import Promotion


class PromotionsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, external_id: str) -> Promotion | None:
        found = self.table.get(promotions_pk(environment_id), promotion_sk(external_id), consistent=True)
        return cast("Promotion | None", found)

    def all(self, environment_id: str) -> Iterator[Promotion]:
        """The environment's promotions in externalId order, a page at a time."""
        items = self.table.partition_items(promotions_pk(environment_id), prefix=PROMOTION_PREFIX, page_size=500)
        return cast("Iterator[Promotion]", items)

    def upsert(
        self, environment_id: str, external_id: str, fields: Mapping[str, Any], now: str
    ) -> tuple[Promotion, bool]:
        """Writes the promotion whole in one UpdateItem (fields given as None are removed); `createdAt` is set once,
        by the write that creates it. Returns the promotion as stored, and whether this write created it."""
        written = {"externalId": external_id, **fields, "updatedAt": now}
        update = set_or_remove(written)
        text = update.text.replace("SET ", "SET createdAt = if_not_exists(createdAt, :createdAt), ", 1)
        update = Expression(text, update.names, update.values | {":createdAt": now})
        op = self.table.update_op(promotions_pk(environment_id), promotion_sk(external_id), update)["Update"]
        old = from_item(client("dynamodb").update_item(**op, ReturnValues="ALL_OLD").get("Attributes") or {})
        stored = {name: value for name, value in written.items() if value is not None}
        stored["createdAt"] = old.get("createdAt", now)
        return cast("Promotion", stored), not old

    def delete(self, environment_id: str, external_id: str) -> bool:
        """Deletes the promotion; False when there was none."""
        op = self.table.delete_op(promotions_pk(environment_id), promotion_sk(external_id), "attribute_exists(pk)")
        try:
            client("dynamodb").delete_item(**op["Delete"])
        except Exception as error:
            if is_condition_failed(error):
                return False
            raise
        return True
