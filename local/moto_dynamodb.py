"""moto's DynamoDB made to cost what DynamoDB costs, where moto's cost grows with the table or the item; the
outcomes are moto's.

- TransactWriteItems: moto deep-copies every table a transaction touches, once per operation, so that it can
  restore the tables if the transaction fails: a 3-operation transaction on a table of 10,000 items copies
  30,000 items. Here the copies are skipped (the table itself stands for its copy) and the items the
  operations address are saved instead, and put back if the transaction raises.
- Query on a table's own key: moto sorts every item of the table (`Table.all_items`), keeps the partition's and
  skips to the start key; here `all_items` answers, while such a query runs on this thread, with only the
  partition's items that can be on the page (past the start key, matching the range condition, the first
  Limit + 1 in key order), found by bisecting the partition's sorted keys, cached until its keys change.
- Item construction: moto re-measures the whole item for each attribute it sets (the 400 KB limit), quadratic in
  the attributes; here the item is measured once, with the same limit.
- UpdateExpression parsing: moto parses an UpdateItem's expression twice per request; parsed expressions are
  kept by their text (moto validates and executes a deep copy of the parse, never the parse itself).
- UpdateExpression copies: moto's validator deep-copies the parse on each request (it replaces the copy's
  names and values); a cached parse is copied from its pickle instead, taken once, same tree at a fifth of the cost.
- UpdateExpression validation: moto walks the expression's tree once per check, ten walks a request, and each
  walk rebuilds the check's table of node types at every node. Here the table is built once per check, and
  the three checks that read only the expression and its names (action counts, overlapping paths, no key
  attribute updated) run once per expression, names and table keys: a request that passed them passes again.
- Responses: moto's serializer walks every attribute value through the AttributeValue shape (~30 ms for a page
  of 100 profiles); a value is already in the wire shape, so it is copied as is unless it holds binary (B, BS),
  which still goes through moto's own path.
"""

from __future__ import annotations

import bisect
import copy
import functools
import pickle
import threading
import types
from collections import defaultdict
from typing import Any

from moto.core import serialize
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.parsing import validators
from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser  # type: ignore[attr-defined]
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.parsing.validators import (
    ActionCountValidator,
    OverlappingPathsValidator,
    UpdateExpressionValidator,
    UpdateHashRangeKeyValidator,
)

from local import moto_dynamodb_updates

_original = dynamodb_models.DynamoDBBackend.transact_write_items
_original_query = Table.query
_original_all_items = Table.all_items
_original_table_init = Table.__init__
_original_serialize = serialize.ResponseSerializer._serialize
_original_validator_init = UpdateExpressionValidator.__init__
_original_validate = UpdateExpressionValidator.validate
_EXPRESSION_ONLY_CHECKS = (ActionCountValidator, OverlappingPathsValidator, UpdateHashRangeKeyValidator)
_passed_expression_checks: dict[int, tuple[Any, set[Any]]] = {}
_pickled_parses: dict[int, tuple[Any, bytes]] = {}
MAX_CHECKED_EXPRESSIONS = 1024
_partition = threading.local()
MAX_ITEM_BYTES = 405_000  # moto's limit (DynamoDB's 400 KB, measured)
_BINARY = frozenset({"B", "BS"})
Saved = tuple[Table, DynamoType, DynamoType | None, Any]


def install() -> None:
    dynamodb_models.copy = types.SimpleNamespace(deepcopy=_deepcopy_all_but_tables)  # type: ignore[assignment]
    dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]
    Table.__init__ = _table_init  # type: ignore[method-assign]
    Item.__init__ = _item_init  # type: ignore[method-assign]
    serialize.ResponseSerializer._serialize = _serialize  # type: ignore[method-assign]
    UpdateExpressionParser.make = staticmethod(_parsed)
    UpdateExpressionValidator.__init__ = _validator_init  # type: ignore[method-assign]
    UpdateExpressionValidator.validate = _validate  # type: ignore[method-assign]
    DepthFirstTraverser.nodes_to_be_processed = _node_types
    DepthFirstTraverser.process = _process
    validators.deepcopy = _copy_for_validation  # type: ignore[assignment]
    moto_dynamodb_updates.install()  # UpdateItem's sizes, copies and expression walks: a module of its own


_original_make = UpdateExpressionParser.make


@functools.lru_cache(maxsize=1024)
def _parse(expression: str) -> Any:
    parsed = _original_make(expression)
    if len(_pickled_parses) >= MAX_CHECKED_EXPRESSIONS:
        _pickled_parses.clear()
    # the entry holds the parse, so its id cannot be reused by another while the entry lives
    _pickled_parses[id(parsed)] = (parsed, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    return parsed


def _copy_for_validation(value: Any) -> Any:
    """What moto's validator copies: a cached parse from its pickle (a fifth of deepcopy's time for a claim's
    six SET actions), anything else as moto does."""
    kept = _pickled_parses.get(id(value))
    if kept is not None and kept[0] is value:
        return pickle.loads(kept[1])  # noqa: S301 - bytes this module pickled itself
    return copy.deepcopy(value)


def _parsed(expression: str) -> Any:
    return _parse(expression)


def _validator_init(self: Any, expression: Any, expression_attribute_names: Any, *args: Any, **kwargs: Any) -> None:
    _original_validator_init(self, expression, expression_attribute_names, *args, **kwargs)
    table = kwargs["table"] if "table" in kwargs else args[-1]
    self.clarion_checked = (expression, (frozenset((expression_attribute_names or {}).items()), *table.table_key_attrs))
    seen = _passed_expression_checks.get(id(expression))
    if seen is not None and seen[0] is expression and self.clarion_checked[1] in seen[1]:
        self.processors = [p for p in self.processors if not isinstance(p, _EXPRESSION_ONLY_CHECKS)]


def _validate(self: Any) -> Any:
    validated = _original_validate(self)
    expression, key = self.clarion_checked
    if len(_passed_expression_checks) >= MAX_CHECKED_EXPRESSIONS:
        _passed_expression_checks.clear()
    # the entry holds the expression, so its id cannot be reused by another while the entry lives
    _passed_expression_checks.setdefault(id(expression), (expression, set()))[1].add(key)
    return validated


def _processing_table(self: Any) -> dict[type, Any]:
    table = self.__dict__.get("clarion_processing")
    if table is None:
        table = self.clarion_processing = self._processing_map()
        self.clarion_node_types = tuple(table)
    return table


def _node_types(self: Any) -> tuple[type, ...]:
    _processing_table(self)
    return self.clarion_node_types


def _process(self: Any, node: Any) -> Any:
    for node_type, processor in _processing_table(self).items():
        if isinstance(node, node_type):
            return processor(node)
    return None


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key, self.range_key = hash_key, range_key
    values = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(len(key.encode()) + value.size() for key, value in values.items()) > MAX_ITEM_BYTES:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict()
    dict.update(self.attrs, values)


def _serialize(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
    if shape.name == "AttributeValue" and isinstance(value, dict) and _wire_ready(value):
        self._default_serialize(serialized, value, shape, key)
        return
    _original_serialize(self, serialized, value, shape, key)


def _wire_ready(value: dict[str, Any]) -> bool:
    """An attribute value with no binary anywhere in it (JSON-protocol DynamoDB sends it unchanged)."""
    for kind, inner in value.items():
        if kind in _BINARY:
            return False
        if kind == "M" and not all(_wire_ready(v) for v in inner.values()):
            return False
        if kind == "L" and not all(_wire_ready(v) for v in inner):
            return False
    return True


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")  # moto passes it seventh after hash_key
    if index_name is not None or hash_key is None or not self.range_key_attr or getattr(_partition, "items", None):
        return _original_query(self, hash_key, *args, **kwargs)
    _partition.table, _partition.items = self, _page_candidates(self, hash_key, *args, **kwargs)
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        _partition.table, _partition.items = None, None


def _page_candidates(  # noqa: PLR0917 - moto's query signature
    table: Table,
    hash_key: Any,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool = True,
    *args: Any,
    **kwargs: Any,
) -> list[Any]:
    """The partition's items moto would look at for this page: past the start key, matching the range condition,
    and (with a Limit and no legacy filter) only the first `limit + 1` of them in key order, found from the
    partition's cached sorted keys, so a page costs O(log partition + page). The +1 lets moto see that more follow."""
    partition = table.items.get(hash_key, {})
    if not isinstance(partition, _Partition) or set(kwargs) - {"hash_key_conditions", "range_key_conditions"}:
        return list(partition.values())  # a legacy QueryFilter: moto counts the filtered items against the Limit
    keys = partition.sorted_keys()
    start = exclusive_start_key.get(table.range_key_attr or "") if exclusive_start_key else None
    if scan_index_forward:
        ordered = iter(keys[bisect.bisect_right(keys, DynamoType(start)) :] if start else keys)
    else:
        ordered = reversed(keys[: bisect.bisect_left(keys, DynamoType(start))] if start else keys)
    items = []
    for key in ordered:
        item = partition[key]
        if range_comparison and not item.range_key.compare(range_comparison, range_objs):
            continue
        items.append(item)
        if limit and len(items) > int(limit):
            break
    return items


class _Partition(dict[Any, Any]):
    """A partition's items by range key; it counts changes to its keys so that their sorted order is computed
    once per change, not once per query."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.changes = 0
        self._sorted: tuple[int, list[Any]] | None = None

    def sorted_keys(self) -> list[Any]:
        if self._sorted is None or self._sorted[0] != self.changes:
            self._sorted = (self.changes, sorted(self))
        return self._sorted[1]

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self:
            self.changes += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self.changes += 1
        super().__delitem__(key)

    def pop(self, *args: Any) -> Any:
        self.changes += 1
        return super().pop(*args)

    def popitem(self) -> Any:
        self.changes += 1
        return super().popitem()

    def clear(self) -> None:
        self.changes += 1
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.changes += 1
        super().update(*args, **kwargs)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self.changes += 1
        return super().setdefault(key, default)


def _table_init(self: Table, *args: Any, **kwargs: Any) -> None:
    _original_table_init(self, *args, **kwargs)
    self.items = defaultdict(_Partition)


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
