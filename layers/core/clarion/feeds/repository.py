"""Feeds in CampaignsTable, beside the environment's campaigns and layouts (see docs/data-model.md).

ENV#<environmentId>  FEED#<feedId>                  the feed
ENV#<environmentId>  FEED_IDENTIFIER#<identifier>   {feedId}: keeps identifiers unique
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, is_transaction_cancelled
from clarion.errors import Conflict
from clarion.settings import settings
from clarion.store.keys import FEED_PREFIX, environment_pk, feed_definition_sk, feed_identifier_sk

if TYPE_CHECKING:
    from clarion.store.entities import Feed


class FeedsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, feed_id: str) -> Feed | None:
        item = self.table.get(environment_pk(environment_id), feed_definition_sk(feed_id), consistent=True)
        return cast("Feed | None", item)

    def id_of_identifier(self, environment_id: str, identifier: str) -> str | None:
        pointer = self.table.get(environment_pk(environment_id), feed_identifier_sk(identifier), consistent=True)
        return pointer["feedId"] if pointer else None

    def all(self, environment_id: str) -> list[Feed]:
        """Every feed of the environment (a handful), oldest first."""
        items = self.table.partition_items(environment_pk(environment_id), prefix=FEED_PREFIX)
        return sorted(cast("list[Feed]", list(items)), key=lambda feed: (feed["createdAt"], feed["_id"]))

    def create(self, environment_id: str, feed: Feed) -> None:
        """Stores a new feed and claims its identifier; a taken identifier is a 409."""
        pk = environment_pk(environment_id)
        pointer = {"pk": pk, "sk": feed_identifier_sk(feed["identifier"]), "feedId": feed["_id"]}
        try:
            self.table.transact(
                [
                    self.table.put_op({"pk": pk, "sk": feed_definition_sk(feed["_id"]), **feed}, NEW_ITEM),
                    self.table.put_op(pointer, NEW_ITEM),
                ]
            )
        except Exception as error:
            if is_transaction_cancelled(error):
                message = f"Feed with identifier: {feed['identifier']} already exists"
                raise Conflict(message, field="name") from error
            raise

    def delete(self, environment_id: str, feed: Feed) -> bool:
        """Deletes the feed and frees its identifier; False when it was already gone."""
        pk = environment_pk(environment_id)
        try:
            self.table.transact(
                [
                    self.table.delete_op(pk, feed_definition_sk(feed["_id"]), "attribute_exists(pk)"),
                    self.table.delete_op(pk, feed_identifier_sk(feed["identifier"])),
                ]
            )
        except Exception as error:
            if is_transaction_cancelled(error):
                return False
            raise
        return True
