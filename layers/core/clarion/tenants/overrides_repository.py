"""Workflow overrides in SubscribersTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#TENANT_ID#<tenantId>            OVERRIDE#<campaignId>  the override: what a trigger naming the tenant reads
ENV#<env>#WORKFLOW_OVERRIDE#<overrideId>  WORKFLOW_OVERRIDE      the pointer from its _id: tenantId, workflowId
ENV#<env>#COUNTERS                        COUNT#WORKFLOW_OVERRIDES  `total`: Novu's totalCount in one read
The override carries ListIndex keys (`ENV#<env>#WORKFLOW_OVERRIDES`, `<createdAt>#<_id>`): newest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import NEW_ITEM, DynamoTable
from clarion.settings import settings
from clarion.store.keys import (
    WORKFLOW_OVERRIDE_PREFIX,
    WORKFLOW_OVERRIDE_SK,
    WORKFLOW_OVERRIDES_COUNTER_SK,
    tenant_id_pk,
    workflow_override_pk,
    workflow_override_sk,
    workflow_overrides_list_pk,
)
from clarion.tenants.repository import CountedList, first_refused, same_version, versioned_delete

if TYPE_CHECKING:
    from clarion.store.entities import WorkflowOverride


class WorkflowOverridesRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)
        self.listing = CountedList(self.table, workflow_overrides_list_pk, WORKFLOW_OVERRIDES_COUNTER_SK)

    def of_tenant(self, environment_id: str, tenant_id: str, workflow_id: str) -> WorkflowOverride | None:
        """The tenant's override of the workflow: one GetItem (a trigger naming the tenant reads it once)."""
        item = self.table.get(tenant_id_pk(environment_id, tenant_id), workflow_override_sk(workflow_id))
        return cast("WorkflowOverride | None", item)

    def get(self, environment_id: str, override_id: str) -> WorkflowOverride | None:
        pointer = self.table.get(workflow_override_pk(environment_id, override_id), WORKFLOW_OVERRIDE_SK)
        if pointer is None:
            return None
        found = self.of_tenant(environment_id, pointer["tenantId"], pointer["workflowId"])
        return found if found and found["_id"] == override_id else None

    def create(self, environment_id: str, override: WorkflowOverride) -> bool:
        """False (nothing written) when the tenant already has an override of the workflow."""
        operations = [
            self.table.put_op(self._item(environment_id, override), NEW_ITEM),
            self.table.put_op(self._pointer(environment_id, override)),
            self.listing.count_op(environment_id, 1),
        ]
        return first_refused(self.table, operations) is None

    def replace(self, environment_id: str, stored: WorkflowOverride, changed: WorkflowOverride) -> bool:
        """Writes `changed` if `stored` is still the version read; False when it changed or went meanwhile."""
        changed = changed | {"version": stored["version"] + 1}
        return self.table.put(self._item(environment_id, changed), same_version(stored["version"]))

    def delete(self, environment_id: str, override: WorkflowOverride) -> bool:
        """False when it changed or went meanwhile."""
        key = tenant_id_pk(environment_id, override["_tenantId"]), workflow_override_sk(override["_workflowId"])
        operations = [
            versioned_delete(self.table, *key, override["version"]),
            self.table.delete_op(workflow_override_pk(environment_id, override["_id"]), WORKFLOW_OVERRIDE_SK),
            self.listing.count_op(environment_id, -1),
        ]
        return first_refused(self.table, operations) is None

    def delete_of_tenant(self, environment_id: str, tenant_id: str) -> int:
        """Deletes every override of a deleted tenant (they could never apply again); returns how many."""
        overrides = list(
            self.table.partition_items(tenant_id_pk(environment_id, tenant_id), prefix=WORKFLOW_OVERRIDE_PREFIX)
        )
        if not overrides:
            return 0
        keys = [(item["pk"], item["sk"]) for item in overrides]
        keys += [(workflow_override_pk(environment_id, item["_id"]), WORKFLOW_OVERRIDE_SK) for item in overrides]
        self.table.batch_write(deletes=keys)
        self.listing.add_to_count(environment_id, -len(overrides))
        return len(overrides)

    def _item(self, environment_id: str, override: WorkflowOverride) -> dict[str, Any]:
        keys = {
            "pk": tenant_id_pk(environment_id, override["_tenantId"]),
            "sk": workflow_override_sk(override["_workflowId"]),
        }
        return {**override, **keys, **self.listing.keys(environment_id, override)}

    @staticmethod
    def _pointer(environment_id: str, override: WorkflowOverride) -> dict[str, Any]:
        return {
            "pk": workflow_override_pk(environment_id, override["_id"]),
            "sk": WORKFLOW_OVERRIDE_SK,
            "tenantId": override["_tenantId"],
            "workflowId": override["_workflowId"],
        }
