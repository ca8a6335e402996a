"""Environments in ClientsTable (see docs/data-model.md).

ORG  ENV#<environmentId>     the environment
ORG  ENVNAME#<lower name>    holds the name, so two environments never share one
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item, is_transaction_cancelled
from clarion.errors import Conflict
from clarion.settings import settings
from clarion.store.keys import ENVIRONMENT_PREFIX, ORGANIZATION_PK, environment_name_sk, environment_sk

if TYPE_CHECKING:
    from clarion.store.entities import Environment

_MAX_ENVIRONMENTS = 1000


class EnvironmentsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().clients_table)

    def get(self, environment_id: str) -> Environment | None:
        return cast(
            "Environment | None", self.table.get(ORGANIZATION_PK, environment_sk(environment_id), consistent=True)
        )

    def update(self, environment_id: str, changes: Item) -> Environment | None:
        """Sets `changes` on the environment; None when there is no such environment."""
        update = Expression(
            "SET " + ", ".join(f"#{name} = :{name}" for name in changes),
            names={f"#{name}": name for name in changes},
            values={f":{name}": value for name, value in changes.items()},
        )
        updated = self.table.update(
            ORGANIZATION_PK, environment_sk(environment_id), update, condition="attribute_exists(pk)"
        )
        return cast("Environment | None", updated)

    def list_all(self) -> list[Environment]:
        page = self.table.query_partition(ORGANIZATION_PK, prefix=ENVIRONMENT_PREFIX, limit=_MAX_ENVIRONMENTS)
        return cast("list[Environment]", page.items)

    def promotion_target(self, environment_id: str) -> Environment | None:
        """The environment whose parent is `environment_id` (Novu's production, child of development): where the
        environment's changes are applied. With several, the first created."""
        children = [item for item in self.list_all() if item.get("parentId") == environment_id]
        return min(children, key=lambda item: (item["createdAt"], item["id"]), default=None)

    def find_by_name(self, name: str) -> Environment | None:
        holder = self.table.get(ORGANIZATION_PK, environment_name_sk(name), consistent=True)
        return self.get(holder["environmentId"]) if holder else None

    def create(self, environment: Environment) -> None:
        new = NEW_ITEM
        try:
            self.table.transact(
                [
                    self.table.put_op(
                        {"pk": ORGANIZATION_PK, "sk": environment_sk(environment["id"]), **environment}, new
                    ),
                    self.table.put_op(
                        {
                            "pk": ORGANIZATION_PK,
                            "sk": environment_name_sk(environment["name"]),
                            "environmentId": environment["id"],
                        },
                        new,
                    ),
                ]
            )
        except Exception as error:
            if is_transaction_cancelled(error):
                raise Conflict(f"an environment named '{environment['name']}' already exists", field="name") from error
            raise
