"""Two of moto's DynamoDB operations made to cost what they cost on DynamoDB; their outcomes are moto's.

- TransactWriteItems: moto deep-copies every table a transaction touches, once per operation, so that it can
  restore the tables if the transaction fails: a 3-operation transaction on a table of 10,000 items copies
  30,000 items. Here the copies are skipped (the table itself stands for its copy) and the items the
  operations address are saved instead, and put back if the transaction raises.
- Query on a table's own key: moto sorts every item of the table (`Table.all_items`) and then keeps the
  partition's; here `all_items` answers with the partition alone while such a query runs on this thread.
"""

from __future__ import annotations

import copy
import threading
import types
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_original = dynamodb_models.DynamoDBBackend.transact_write_items
_original_query = Table.query
_original_all_items = Table.all_items
_partition = threading.local()
Saved = tuple[Table, DynamoType, DynamoType | None, Any]


def install() -> None:
    dynamodb_models.copy = types.SimpleNamespace(deepcopy=_deepcopy_all_but_tables)  # type: ignore[assignment]
    dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")  # moto passes it seventh after hash_key
    if index_name is not None or hash_key is None or not self.range_key_attr or getattr(_partition, "items", None):
        return _original_query(self, hash_key, *args, **kwargs)
    _partition.table, _partition.items = self, list(self.items.get(hash_key, {}).values())
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        _partition.table, _partition.items = None, None


def _all_items(self: Table) -> Any:
    if getattr(_partition, "table", None) is self:
        return _partition.items
    return _original_all_items(self)


def _deepcopy_all_but_tables(value: Any) -> Any:
    return value if isinstance(value, Table) else copy.deepcopy(value)


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    saved = [entry for operation in transact_items if (entry := _save(self, operation)) is not None]
    try:
        _original(self, transact_items)
    except Exception:
        for table, hash_key, range_key, item in reversed(saved):
            _restore(table, hash_key, range_key, item)
        raise


def _save(backend: Any, operation: dict[str, Any]) -> Saved | None:
    """The table, key and current item (a copy, or None) an operation addresses; None if it names none."""
    try:
        ((kind, request),) = operation.items()
        table = backend.get_table(request["TableName"])
        key = request["Item"] if kind == "Put" else request["Key"]
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    except (KeyError, ValueError, TypeError, AttributeError, dynamodb_models.ResourceNotFoundException):
        return None  # moto reports the malformed operation itself
    return table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))


def _restore(table: Table, hash_key: DynamoType, range_key: DynamoType | None, item: Any) -> None:
    if item is None:
        table.delete_item(hash_key, range_key)
    elif range_key is None:
        table.items[hash_key] = item
    else:
        table.items[hash_key][range_key] = item
