"""Workflow groups (Novu's notification groups) in CampaignsTable, beside the environment's campaigns.

ENV#<environmentId>  WORKFLOW_GROUP#<groupId>   the group, with `workflowCount`: how many campaigns name it

A campaign joins or leaves a group in the transaction that writes the campaign (`membership_op`), so the count is
exact and a group is deleted only when no campaign names it, without reading the campaigns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, is_transaction_cancelled, to_item
from clarion.settings import settings
from clarion.store.keys import WORKFLOW_GROUP_PREFIX, environment_pk, workflow_group_sk

if TYPE_CHECKING:
    from clarion.store.entities import WorkflowGroup

_EXISTS = "attribute_exists(pk)"
_UNUSED = "attribute_exists(pk) AND (attribute_not_exists(workflowCount) OR workflowCount = :zero)"


class WorkflowGroupsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, group_id: str) -> WorkflowGroup | None:
        item = self.table.get(environment_pk(environment_id), workflow_group_sk(group_id), consistent=True)
        return cast("WorkflowGroup | None", item)

    def all(self, environment_id: str) -> list[WorkflowGroup]:
        """Every group of the environment (tens), in id order."""
        items = self.table.partition_items(environment_pk(environment_id), prefix=WORKFLOW_GROUP_PREFIX)
        return cast("list[WorkflowGroup]", list(items))

    def create(self, environment_id: str, group: WorkflowGroup) -> bool:
        """Stores a new group; False when a group with its id exists already."""
        keys = {"pk": environment_pk(environment_id), "sk": workflow_group_sk(group["_id"])}
        return self.table.put(keys | group, NEW_ITEM)

    def rename(self, environment_id: str, group_id: str, name: str, updated_at: str) -> WorkflowGroup | None:
        """The renamed group, or None when it does not exist."""
        change = Expression("SET #name = :name, updatedAt = :at", {"#name": "name"}, {":name": name, ":at": updated_at})
        item = self.table.update(environment_pk(environment_id), workflow_group_sk(group_id), change, _EXISTS)
        return cast("WorkflowGroup | None", item)

    def delete_unused(self, environment_id: str, group_id: str) -> bool:
        """Deletes the group if no campaign names it; False when it is missing or still named."""
        op = self.table.delete_op(environment_pk(environment_id), workflow_group_sk(group_id), _UNUSED)
        op["Delete"]["ExpressionAttributeValues"] = to_item({":zero": 0})
        try:
            self.table.transact([op])
        except Exception as error:
            if is_transaction_cancelled(error):
                return False
            raise
        return True

    def membership_op(self, environment_id: str, group_id: str, delta: int) -> dict[str, Any]:
        """A transaction's update of the group's campaign count (+1 a campaign joins, -1 it leaves); the group must
        exist (it cannot be deleted while a campaign names it)."""
        count = Expression("ADD workflowCount :delta", values={":delta": delta})
        return self.table.update_op(environment_pk(environment_id), workflow_group_sk(group_id), count, _EXISTS)
