"""Integrations in CampaignsTable (docs/data-model.md, "Integrations"):

pk                           sk                          item
ENV#<env>#INTEGRATIONS       INTEGRATION#<id>            the integration (no credentials: those are in Secrets Manager)
ENV#<env>#INTEGRATIONS       IDENTIFIER#<identifier>     {integrationId}: keeps identifiers unique in the environment

An environment has a handful of integrations, so every read of them is one Query of its partition.
Writes are one transaction, each integration conditioned on the `version` it was read at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    cancellation_reasons,
    is_transaction_cancelled,
)
from clarion.errors import Conflict
from clarion.settings import settings
from clarion.store.keys import INTEGRATION_PREFIX, identifier_sk, integration_sk, integrations_pk

if TYPE_CHECKING:
    from clarion.store.entities import Integration


class IntegrationsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, integration_id: str) -> Integration | None:
        item = self.table.get(integrations_pk(environment_id), integration_sk(integration_id), consistent=True)
        return cast("Integration | None", item)

    def all(self, environment_id: str) -> list[Integration]:
        """Every integration of the environment, soft-deleted ones included, oldest first."""
        items = self.table.partition_items(integrations_pk(environment_id), prefix=INTEGRATION_PREFIX, page_size=200)
        return cast("list[Integration]", sorted(items, key=lambda item: (item["createdAt"], item["_id"])))

    def write(
        self,
        environment_id: str,
        changed: Sequence[Integration],
        *,
        claim: Integration | None = None,
        release: Integration | None = None,
    ) -> None:
        """Stores `changed` (each at version + 1, if still at the version read; version 0: new) in one transaction,
        claiming `claim`'s identifier and releasing `release`'s. A taken identifier or a concurrent change is a 409."""
        pk = integrations_pk(environment_id)
        operations: list[dict[str, Any]] = []
        if claim is not None:
            pointer = {"pk": pk, "sk": identifier_sk(claim["identifier"]), "integrationId": claim["_id"]}
            operations.append(self.table.put_op(pointer, NEW_ITEM))
        for integration in changed:
            read_version = integration.get("version", 0)
            condition = (
                Expression("version = :version", values={":version": read_version}) if read_version else NEW_ITEM
            )
            item = integration | {"pk": pk, "sk": integration_sk(integration["_id"]), "version": read_version + 1}
            operations.append(self.table.put_op(item, condition))
        if release is not None:
            operations.append(self.table.delete_op(pk, identifier_sk(release["identifier"])))
        try:
            self.table.transact(operations)
        except Exception as error:
            if not is_transaction_cancelled(error):
                raise
            reasons = cancellation_reasons(error)
            if claim is not None and reasons and reasons[0] == CONDITION_FAILED:
                raise Conflict(
                    "another integration of this environment has this identifier", field="identifier"
                ) from error
            raise Conflict("the integrations were changed by another request; read them again and retry") from error
