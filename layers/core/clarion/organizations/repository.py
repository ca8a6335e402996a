"""The organization in ClientsTable, beside its environments (see docs/data-model.md).

ORG  ORGANIZATION    name and branding, once set (until then the organization is its id, unbranded)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import DynamoTable, Expression
from clarion.settings import settings
from clarion.store.keys import ORGANIZATION_PK, ORGANIZATION_SK

if TYPE_CHECKING:
    from clarion.store.entities import Organization


class OrganizationRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().clients_table)

    def get(self) -> Organization | None:
        return cast("Organization | None", self.table.get(ORGANIZATION_PK, ORGANIZATION_SK, consistent=True))

    def set(self, changes: dict[str, Any], *, default_name: str) -> Organization:
        """Sets `changes` (with updatedAt, updatedBy), creating the item with `default_name` and no branding."""
        values = {f":{name}": value for name, value in changes.items()}
        assignments = [f"#{name} = :{name}" for name in changes]
        for name, default in (("name", default_name), ("branding", {})):
            if name not in changes:
                assignments.append(f"#{name} = if_not_exists(#{name}, :{name})")
                values[f":{name}"] = default
        names = {f"#{name}": name for name in {*changes, "name", "branding"}}
        update = Expression("SET " + ", ".join(assignments), names=names, values=values)
        return cast("Organization", self.table.update(ORGANIZATION_PK, ORGANIZATION_SK, update))
