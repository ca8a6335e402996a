"""Tenants in SubscribersTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#TENANT#<identifier>   TENANT     the tenant: _id, identifier, name, data, version, createdAt, updatedAt
ENV#<env>#TENANT_ID#<tenantId>  TENANT     the pointer from its _id (`identifier`): workflow overrides name the _id
ENV#<env>#COUNTERS              COUNT#TENANTS  `total`: Novu's totalCount in one read
The tenant carries ListIndex keys (`ENV#<env>#TENANTS`, `<createdAt>#<_id>`): the list pages newest first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    Item,
    added,
    cancellation_reasons,
    is_transaction_cancelled,
)
from clarion.settings import settings
from clarion.store.keys import (
    TENANT_SK,
    TENANTS_COUNTER_SK,
    counters_pk,
    created_sk,
    tenant_id_pk,
    tenant_pk,
    tenants_list_pk,
)
from clarion.subscribers.indexes import LIST_INDEX

if TYPE_CHECKING:
    from clarion.store.entities import Tenant


@dataclass(frozen=True)
class CountedList:
    """Items listed on ListIndex newest first and counted in the environment's counters partition: Novu's offset
    pages and their `totalCount`."""

    table: DynamoTable
    list_pk: Callable[[str], str]
    counter_sk: str

    def count(self, environment_id: str) -> int:
        return self.table.count_at(counters_pk(environment_id), self.counter_sk)

    def list_page(self, environment_id: str, *, offset: int, limit: int) -> tuple[list[Item], bool]:
        """Items `offset` to `offset + limit`, newest first, and whether more follow."""
        partition = {"listPk": self.list_pk(environment_id)}
        return self.table.offset_page(LIST_INDEX, partition, offset=offset, limit=limit, newest_first=True)

    def keys(self, environment_id: str, item: Any) -> dict[str, str]:
        """The ListIndex keys of an item with `createdAt` and `_id`."""
        return {"listPk": self.list_pk(environment_id), "listSk": created_sk(item["createdAt"], item["_id"])}

    def count_op(self, environment_id: str, change: int) -> dict[str, Any]:
        """The count's update, for a transaction."""
        return self.table.update_op(counters_pk(environment_id), self.counter_sk, added(change))

    def add_to_count(self, environment_id: str, change: int) -> None:
        self.table.update(counters_pk(environment_id), self.counter_sk, added(change))


class TenantsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)
        self.listing = CountedList(self.table, tenants_list_pk, TENANTS_COUNTER_SK)

    def get(self, environment_id: str, identifier: str) -> Tenant | None:
        return cast("Tenant | None", self.table.get(tenant_pk(environment_id, identifier), TENANT_SK, consistent=True))

    def identifier_of(self, environment_id: str, tenant_id: str) -> str | None:
        """The identifier of the tenant whose `_id` this is, if it exists."""
        pointer = self.table.get(tenant_id_pk(environment_id, tenant_id), TENANT_SK, consistent=True)
        return pointer["identifier"] if pointer else None

    def create(self, environment_id: str, tenant: Tenant) -> bool:
        """Stores a new tenant, its pointer and its count; False (nothing written) when the identifier is taken."""
        operations = [
            self.table.put_op(self._item(environment_id, tenant), NEW_ITEM),
            self.table.put_op(self._pointer(environment_id, tenant)),
            self.listing.count_op(environment_id, 1),
        ]
        return first_refused(self.table, operations) is None

    def replace(self, environment_id: str, stored: Tenant, changed: Tenant) -> str | None:
        """Writes `changed` over `stored` if it is still the version read (a new identifier moves the item and its
        pointer follows); None when written, else what refused it: "changed" (it changed or went meanwhile) or
        "identifier" (the new identifier is taken)."""
        changed = changed | {"version": stored["version"] + 1}
        if changed["identifier"] == stored["identifier"]:
            written = self.table.put(self._item(environment_id, changed), same_version(stored["version"]))
            return None if written else "changed"
        operations = [
            versioned_delete(self.table, tenant_pk(environment_id, stored["identifier"]), TENANT_SK, stored["version"]),
            self.table.put_op(self._item(environment_id, changed), NEW_ITEM),
            self.table.put_op(self._pointer(environment_id, changed)),
        ]
        refused = first_refused(self.table, operations)
        return None if refused is None else ("changed", "identifier")[refused]

    def delete(self, environment_id: str, tenant: Tenant) -> bool:
        """Deletes the tenant, its pointer and its count if it is still the version read; False otherwise."""
        operations = [
            versioned_delete(self.table, tenant_pk(environment_id, tenant["identifier"]), TENANT_SK, tenant["version"]),
            self.table.delete_op(tenant_id_pk(environment_id, tenant["_id"]), TENANT_SK),
            self.listing.count_op(environment_id, -1),
        ]
        return first_refused(self.table, operations) is None

    def _item(self, environment_id: str, tenant: Tenant) -> dict[str, Any]:
        keys = {"pk": tenant_pk(environment_id, tenant["identifier"]), "sk": TENANT_SK}
        return {**tenant, **keys, **self.listing.keys(environment_id, tenant)}

    @staticmethod
    def _pointer(environment_id: str, tenant: Tenant) -> dict[str, Any]:
        return {"pk": tenant_id_pk(environment_id, tenant["_id"]), "sk": TENANT_SK, "identifier": tenant["identifier"]}


def same_version(version: int) -> Expression:
    """The condition of a write over the item as it was read."""
    return Expression("version = :version", values={":version": version})


def versioned_delete(table: DynamoTable, pk: str, sk: str, version: int) -> dict[str, Any]:
    """A transaction's delete of the item as it was read."""
    operation = table.delete_op(pk, sk)
    operation["Delete"] |= same_version(version).params("ConditionExpression")
    return operation


def first_refused(table: DynamoTable, operations: list[dict[str, Any]]) -> int | None:
    """Writes every operation, or none: then the index of the first one whose condition failed."""
    try:
        table.transact(operations)
    except Exception as error:
        reasons = cancellation_reasons(error) if is_transaction_cancelled(error) else []
        if CONDITION_FAILED in reasons:
            return reasons.index(CONDITION_FAILED)
        raise
    return None
