"""Changes in CampaignsTable, in a partition of their own per environment (see docs/data-model.md).

ENV#<environmentId>#CHANGES  CHANGE#<changeId>              the change
ENV#<environmentId>#CHANGES  PENDING#<type>#<entityId>      {changeId}: the entity's change not applied yet
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, is_transaction_cancelled, to_item
from clarion.settings import settings
from clarion.store.keys import CHANGE_PREFIX, change_sk, changes_pk, pending_change_sk

if TYPE_CHECKING:
    from clarion.store.entities import Change


class ChangesRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, change_id: str) -> Change | None:
        return cast("Change | None", self.table.get(changes_pk(environment_id), change_sk(change_id), consistent=True))

    def pending(self, environment_id: str, entity_type: str, entity_id: str) -> Change | None:
        """The entity's change that is not applied yet."""
        pk = changes_pk(environment_id)
        pointer = self.table.get(pk, pending_change_sk(entity_type, entity_id), consistent=True)
        return self.get(environment_id, pointer["changeId"]) if pointer else None

    def all(self, environment_id: str) -> list[Change]:
        """Every change of the environment, in id order."""
        return cast("list[Change]", list(self.table.partition_items(changes_pk(environment_id), prefix=CHANGE_PREFIX)))

    def open(self, environment_id: str, change: Change) -> bool:
        """Stores a new pending change; False when the entity already has one (a concurrent write opened it)."""
        pk = changes_pk(environment_id)
        pointer = {"pk": pk, "sk": pending_change_sk(change["type"], change["_entityId"]), "changeId": change["_id"]}
        try:
            self.table.transact(
                [
                    self.table.put_op({"pk": pk, "sk": change_sk(change["_id"]), **change}, NEW_ITEM),
                    self.table.put_op(pointer, NEW_ITEM),
                ]
            )
        except Exception as error:
            if is_transaction_cancelled(error):
                return False
            raise
        return True

    def revise(self, environment_id: str, read: Change, changes: dict[str, Any]) -> bool:
        """Sets `changes` on the pending change `read` and moves its revision on; False when it was applied or
        revised since it was read."""
        values = {f":{name}": value for name, value in changes.items()} | {":revision": read["revision"]}
        update = Expression(
            "SET " + ", ".join(f"#{name} = :{name}" for name in changes) + ", revision = revision + :one",
            names={f"#{name}": name for name in changes},
            values=values | {":one": 1, ":false": False},
        )
        condition = "revision = :revision AND enabled = :false"
        return self.table.update(changes_pk(environment_id), change_sk(read["_id"]), update, condition) is not None

    def mark_applied(self, environment_id: str, read: Change, *, applied_at: str, applied_by: str) -> bool:
        """Marks the change `read` applied and releases its entity's pending slot; False when it was revised (or
        applied) since it was read."""
        pk = changes_pk(environment_id)
        values = {":true": True, ":false": False, ":at": applied_at, ":by": applied_by, ":revision": read["revision"]}
        mark = self.table.update_op(
            pk,
            change_sk(read["_id"]),
            Expression("SET enabled = :true, appliedAt = :at, appliedBy = :by", values=values),
            "revision = :revision AND enabled = :false",
        )
        release = self.table.delete_op(pk, pending_change_sk(read["type"], read["_entityId"]), "changeId = :id")
        release["Delete"]["ExpressionAttributeValues"] = to_item({":id": read["_id"]})
        try:
            self.table.transact([mark, release])
        except Exception as error:
            if is_transaction_cancelled(error):
                return False
            raise
        return True
