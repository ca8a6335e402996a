"""Campaigns in CampaignsTable (see docs/data-model.md).

ENV#<environmentId>  CAMPAIGN#<campaignId>     the campaign (its steps, audience and settings)
ENV#<environmentId>  IDENTIFIER#<identifier>   {campaignId}: keeps identifiers unique, finds a campaign by trigger name
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    Page,
    cancellation_reasons,
    is_transaction_cancelled,
    to_item,
)
from clarion.errors import ClarionError, Conflict
from clarion.settings import settings
from clarion.store.keys import CAMPAIGN_PREFIX, campaign_sk, environment_pk, identifier_sk

if TYPE_CHECKING:
    from clarion.store.entities import Campaign

GuardedOp = tuple[dict[str, Any], ClarionError]
"""A transaction's operation of another item, with the error raised when its condition fails."""


class CampaignsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, campaign_id: str) -> Campaign | None:
        item = self.table.get(environment_pk(environment_id), campaign_sk(campaign_id), consistent=True)
        return cast("Campaign | None", item)

    def find_by_identifier(self, environment_id: str, identifier: str) -> Campaign | None:
        """The campaign a trigger names: one read of the identifier item, one of the campaign."""
        pointer = self.table.get(environment_pk(environment_id), identifier_sk(identifier), consistent=True)
        return self.get(environment_id, pointer["campaignId"]) if pointer else None

    def all(self, environment_id: str) -> list[Campaign]:
        """Every campaign of the environment, in id order (hundreds, not millions: read page after page)."""
        items = self.table.partition_items(environment_pk(environment_id), prefix=CAMPAIGN_PREFIX, page_size=500)
        return cast("list[Campaign]", list(items))

    def list_page(self, environment_id: str, *, limit: int, cursor: str | None) -> Page[Campaign]:
        pk = environment_pk(environment_id)
        page = self.table.query_partition(pk, prefix=CAMPAIGN_PREFIX, limit=limit, cursor=cursor, newest_first=True)
        return cast("Page[Campaign]", page)

    def create(self, environment_id: str, campaign: Campaign, also: Sequence[GuardedOp] = ()) -> None:
        """Stores a new campaign and claims its identifier; a taken identifier is a 409. `also`: operations written
        in the same transaction, each with the error its failed condition raises."""
        self._write(
            [self._campaign_op(environment_id, campaign, NEW_ITEM), self._identifier_op(environment_id, campaign)],
            also,
        )

    def update(self, environment_id: str, read: Campaign, changed: Campaign, also: Sequence[GuardedOp] = ()) -> None:
        """Replaces the campaign `read` with `changed`, only if no one changed it since; moves a new identifier."""
        operations = [self._campaign_op(environment_id, changed, self._unchanged(read))]
        if changed["identifier"] != read["identifier"]:
            operations += [
                self.table.delete_op(environment_pk(environment_id), identifier_sk(read["identifier"])),
                self._identifier_op(environment_id, changed),
            ]
        self._write(operations, also)

    def delete(self, environment_id: str, read: Campaign, also: Sequence[GuardedOp] = ()) -> None:
        """Deletes the campaign `read` and frees its identifier, only if no one changed it since."""
        pk, unchanged = environment_pk(environment_id), self._unchanged(read)
        campaign_op = self.table.delete_op(pk, campaign_sk(read["_id"]), unchanged.text)
        campaign_op["Delete"]["ExpressionAttributeValues"] = to_item(unchanged.values)
        self._write([campaign_op, self.table.delete_op(pk, identifier_sk(read["identifier"]))], also)

    @staticmethod
    def _unchanged(read: Campaign) -> Expression:
        return Expression("version = :version", values={":version": read["version"]})

    def _campaign_op(self, environment_id: str, campaign: Campaign, condition: Expression) -> dict[str, Any]:
        keys = {"pk": environment_pk(environment_id), "sk": campaign_sk(campaign["_id"])}
        return self.table.put_op(keys | campaign, condition)

    def _identifier_op(self, environment_id: str, campaign: Campaign) -> dict[str, Any]:
        pointer = {
            "pk": environment_pk(environment_id),
            "sk": identifier_sk(campaign["identifier"]),
            "campaignId": campaign["_id"],
        }
        return self.table.put_op(pointer, NEW_ITEM)

    def _write(self, operations: list[dict[str, Any]], also: Sequence[GuardedOp]) -> None:
        try:
            self.table.transact([*operations, *(operation for operation, _ in also)])
        except Exception as error:
            if not is_transaction_cancelled(error):
                raise
            reasons = cancellation_reasons(error)
            for (_, refusal), reason in zip(also, reasons[len(operations) :], strict=False):
                if reason == CONDITION_FAILED:
                    raise refusal from error
            reasons = reasons[: len(operations)]
            if CONDITION_FAILED in reasons[1:] and reasons[0] != CONDITION_FAILED:  # the identifier's put
                raise Conflict(
                    "another campaign of this environment has this identifier", field="identifier"
                ) from error
            raise Conflict("the campaign was changed by another request; read it again and retry") from error
