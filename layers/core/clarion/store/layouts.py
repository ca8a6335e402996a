"""Layouts in CampaignsTable, beside the environment's campaigns (see docs/data-model.md).

ENV#<environmentId>  LAYOUT#<layoutId>                 the layout
ENV#<environmentId>  LAYOUT_IDENTIFIER#<identifier>    {layoutId}: keeps identifiers unique
ENV#<environmentId>  LAYOUT_DEFAULT                    {layoutId}: the default layout, found in one read

The default moves in one transaction (the pointer, the old default's and the new default's `isDefault`), the
pointer conditioned on the default read, so two concurrent switches cannot both win.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    cancellation_reasons,
    is_transaction_cancelled,
    to_item,
)
from clarion.errors import Conflict
from clarion.settings import settings
from clarion.store.keys import DEFAULT_LAYOUT_SK, LAYOUT_PREFIX, environment_pk, layout_identifier_sk, layout_sk

if TYPE_CHECKING:
    from clarion.store.entities import Layout


class LayoutsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, layout_id: str) -> Layout | None:
        item = self.table.get(environment_pk(environment_id), layout_sk(layout_id), consistent=True)
        return cast("Layout | None", item)

    def get_many(self, environment_id: str, layout_ids: set[str]) -> dict[str, Layout]:
        """The layouts among `layout_ids` that exist, by id: one BatchGetItem per 100."""
        keys = [{"pk": environment_pk(environment_id), "sk": layout_sk(layout_id)} for layout_id in sorted(layout_ids)]
        return {item["_id"]: cast("Layout", item) for item in self.table.batch_get(keys)}

    def id_of_identifier(self, environment_id: str, identifier: str) -> str | None:
        pointer = self.table.get(environment_pk(environment_id), layout_identifier_sk(identifier), consistent=True)
        return pointer["layoutId"] if pointer else None

    def default_id(self, environment_id: str) -> str | None:
        pointer = self.table.get(environment_pk(environment_id), DEFAULT_LAYOUT_SK, consistent=True)
        return pointer["layoutId"] if pointer else None

    def all(self, environment_id: str) -> list[Layout]:
        """Every layout of the environment (tens, not thousands), in id order."""
        items = self.table.partition_items(environment_pk(environment_id), prefix=LAYOUT_PREFIX, page_size=100)
        return cast("list[Layout]", list(items))

    def create(self, environment_id: str, layout: Layout, *, replaces_default: str | None) -> None:
        """Stores a new layout and claims its identifier; if it is the default, takes the default over from
        `replaces_default` (None: the environment has none yet). A taken identifier is a 409."""
        operations = [self._layout_op(environment_id, layout, NEW_ITEM), self._identifier_op(environment_id, layout)]
        if layout["isDefault"]:
            operations += self._default_ops(environment_id, layout["_id"], replaces_default)
        self._write(operations)

    def update(self, environment_id: str, read: Layout, changed: Layout, *, replaces_default: str | None) -> None:
        """Replaces the layout `read` with `changed`, only if no one changed it since; moves a new identifier and,
        if it becomes the default, the default."""
        unchanged = Expression("version = :version", values={":version": read["version"]})
        operations = [self._layout_op(environment_id, changed, unchanged)]
        if changed["identifier"] != read["identifier"]:
            operations += [
                self.table.delete_op(environment_pk(environment_id), layout_identifier_sk(read["identifier"])),
                self._identifier_op(environment_id, changed),
            ]
        if changed["isDefault"] and not read["isDefault"]:
            operations += self._default_ops(environment_id, changed["_id"], replaces_default)
        self._write(operations)

    def set_default(self, environment_id: str, layout_id: str, *, replaces_default: str | None) -> None:
        mark = self.table.update_op(
            environment_pk(environment_id),
            layout_sk(layout_id),
            Expression("SET isDefault = :true ADD version :one", values={":true": True, ":one": 1}),
            "attribute_exists(pk)",
        )
        self._write([mark, *self._default_ops(environment_id, layout_id, replaces_default)])

    def delete(self, environment_id: str, layout: Layout) -> None:
        """Deletes a layout that is not the default (checked again in the write) and frees its identifier."""
        pk = environment_pk(environment_id)
        remove = self.table.delete_op(pk, layout_sk(layout["_id"]), "attribute_exists(pk) AND isDefault = :false")
        remove["Delete"]["ExpressionAttributeValues"] = to_item({":false": False})
        self._write([remove, self.table.delete_op(pk, layout_identifier_sk(layout["identifier"]))])

    def _default_ops(self, environment_id: str, layout_id: str, replaces: str | None) -> list[dict[str, Any]]:
        """The pointer moved to `layout_id` (only from `replaces`, as read) and the old default unmarked."""
        pk = environment_pk(environment_id)
        condition = NEW_ITEM if replaces is None else Expression("layoutId = :replaces", values={":replaces": replaces})
        operations = [self.table.put_op({"pk": pk, "sk": DEFAULT_LAYOUT_SK, "layoutId": layout_id}, condition)]
        if replaces is not None and replaces != layout_id:
            # the version moves too: an update from a read taken before the move must not write isDefault back
            unmark = Expression("SET isDefault = :false ADD version :one", values={":false": False, ":one": 1})
            operations.append(self.table.update_op(pk, layout_sk(replaces), unmark, "attribute_exists(pk)"))
        return operations

    def _layout_op(self, environment_id: str, layout: Layout, condition: Expression) -> dict[str, Any]:
        keys = {"pk": environment_pk(environment_id), "sk": layout_sk(layout["_id"])}
        return self.table.put_op(keys | layout, condition)

    def _identifier_op(self, environment_id: str, layout: Layout) -> dict[str, Any]:
        pointer = {
            "pk": environment_pk(environment_id),
            "sk": layout_identifier_sk(layout["identifier"]),
            "layoutId": layout["_id"],
        }
        return self.table.put_op(pointer, NEW_ITEM)

    def _write(self, operations: list[dict[str, Any]]) -> None:
        try:
            self.table.transact(operations)
        except Exception as error:
            if not is_transaction_cancelled(error):
                raise
            reasons = cancellation_reasons(error)
            failed_keys = [
                _sort_key(op) for reason, op in zip(reasons, operations, strict=False) if reason == CONDITION_FAILED
            ]
            if any(key.startswith(layout_identifier_sk("")) for key in failed_keys):
                raise Conflict("another layout of this environment has this identifier", field="identifier") from error
            raise Conflict("the layouts were changed by another request; read them again and retry") from error


def _sort_key(operation: dict[str, Any]) -> str:
    """The sort key a transaction's Put writes ('' for other operations)."""
    return str(operation.get("Put", {}).get("Item", {}).get("sk", {}).get("S", ""))
