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
- Query on an index (global or local): moto reads every item of the table, sorted, keeps the index partition's,
  sorts them again by the index keys and skips to the start key, so paging through one index partition costs
  pages x table size. Here `all_items` answers, while such a query runs on this thread, with only the index
  partition's items that can be on the page: the partition's items (those carrying every index key: sparse
  indexes stay sparse) sorted by moto's own order (the index keys, then the table keys), bisected to the
  ExclusiveStartKey, matching the range condition, the first Limit + 1. The partitions of an index are built in
  one pass over the table and kept until the table changes: every write path (PutItem, UpdateItem, which changes
  moto's items in place, DeleteItem, BatchWriteItem, transactions, PartiQL, UpdateTable) bumps the table's
  version, and a version other than the one the cache was built at throws it away. moto still filters, skips,
  pages, projects and copies the page itself.
- Scan of a table: moto sorts every item of the table on each page and walks from the first to the start key, so a
  paged Scan costs pages x table size. Here `all_items` answers, while a table Scan runs on this thread, with the
  items past the ExclusiveStartKey, from the table's items sorted once per table version (as above); moto still
  reads, filters and pages them.
- Projection (ProjectionExpression, and an index's KEYS_ONLY / INCLUDE projection): moto turns the whole item into
  plain JSON once per projected path, to pick one attribute out of it; here only the path's top-level attribute
  is turned, then picked by moto's own code, same result.
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

from botocore.utils import merge_dicts
from moto.core import serialize
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import dynamo_type
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import GlobalSecondaryIndex, Table
from moto.dynamodb.models.utilities import find_nested_key
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
_original_table_put = Table.put_item
_original_table_delete = Table.delete_item
_original_update_item = dynamodb_models.DynamoDBBackend.update_item
_original_update_table = dynamodb_models.DynamoDBBackend.update_table
_original_scan = Table.scan
_original_project = Item.project
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
    Table.put_item = _table_put  # type: ignore[method-assign]
    Table.scan = _scan  # type: ignore[method-assign]
    Item.project = _project  # type: ignore[method-assign]
    Table.delete_item = _table_delete  # type: ignore[method-assign]
    dynamodb_models.DynamoDBBackend.update_item = _update_item  # type: ignore[method-assign]
    dynamodb_models.DynamoDBBackend.update_table = _update_table  # type: ignore[method-assign]
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
    if getattr(_partition, "table", None) is not None:
        return _original_query(self, hash_key, *args, **kwargs)
    if index_name is not None:
        candidates = _index_candidates(self, *args, **kwargs)
    elif hash_key is not None and self.range_key_attr:
        candidates = _page_candidates(self, hash_key, *args, **kwargs)
    else:
        candidates = None
    if candidates is None:
        return _original_query(self, hash_key, *args, **kwargs)
    _partition.table, _partition.items = self, candidates
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


def _index_candidates(  # noqa: PLR0917 - moto's query signature
    table: Table,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool,
    projection_expressions: Any,
    index_name: str,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
    **filter_kwargs: Any,
) -> list[Any] | None:
    """The index partition's items moto would look at for this page, in moto's order: past the start key, matching
    the range condition and, with a Limit, only the first `limit` of them and the item after (matching or not: moto
    answers a LastEvaluatedKey when any item follows a full page), so a page costs O(log partition + page) once the
    partition is built. None where moto is left to answer on its own: a legacy QueryFilter (moto counts
    the filtered items against the Limit), a multi-attribute key, an unknown index, a key moto cannot sort by."""
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    if index is None or filter_kwargs or consistent_read:
        return None
    hash_names = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    range_names = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    conditions = dict(hash_key_conditions or [])
    if len(hash_names) != 1 or len(range_names) > 1 or set(conditions) != set(hash_names):
        return None
    if len(range_key_conditions or []) > 1 or (range_comparison and not range_names):
        return None
    sort_names = _index_sort_names(table, index, hash_names, range_names)
    try:
        keys, items = _index_partitions(table, index_name, hash_names[0], range_names).partition(
            conditions[hash_names[0]], sort_names
        )
        start = _sort_key(exclusive_start_key, sort_names) if exclusive_start_key else None
    except (KeyError, TypeError):
        return None  # an item or a start key without a sort attribute: moto reports it its own way
    if scan_index_forward:
        ordered = iter(items[bisect.bisect_right(keys, start) :] if start else items)
    else:
        ordered = reversed(items[: bisect.bisect_left(keys, start)] if start else items)
    compared = range_key_conditions[-1][0] if range_key_conditions else (range_names[0] if range_names else None)
    found: list[Any] = []
    for item in ordered:
        if limit and len(found) == int(limit):
            found.append(item)  # whether it matches or not, moto sees the page is full and answers a LastEvaluatedKey
            break
        if range_comparison and compared:
            value = item.attrs.get(compared)
            if value is None or not value.compare(range_comparison, range_objs):
                continue
        found.append(item)
    return found


def _index_sort_names(table: Table, index: Any, hash_names: list[str], range_names: list[str]) -> list[str]:
    """The attributes moto sorts an index query's items by (moto's Table.query, index branch)."""
    if range_names:
        range_attrs: list[str | None] = [*range_names, table.range_key_attr]
    elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
        range_attrs = [table.range_key_attr, table.range_key_attr]
    else:
        range_attrs = [table.hash_key_attr, table.range_key_attr]
    return table._generate_attr_to_sort_by([*hash_names, table.hash_key_attr], range_attrs)


class _IndexPartitions:
    """One index's items by partition key, built in one pass over the table at one version of it; each partition
    sorted on its first query."""

    def __init__(self, table: Table, hash_name: str, range_names: list[str]) -> None:
        self.version = _version(table)
        self.unsorted: dict[Any, list[Any]] = defaultdict(list)
        self.sorted: dict[Any, tuple[list[Any], list[Any]]] = {}
        for partition in table.items.values():
            for item in partition.values() if isinstance(partition, dict) else (partition,):
                value = item.attrs.get(hash_name)
                if value is not None and all(item.attrs.get(name) is not None for name in range_names):
                    self.unsorted[value].append(item)

    def partition(self, value: DynamoType, sort_names: list[str]) -> tuple[list[Any], list[Any]]:
        kept = self.sorted.get(value)
        if kept is None:
            keyed = sorted(
                (
                    (tuple(item.attrs[name].cast_value for name in sort_names), item)
                    for item in self.unsorted.get(value, ())
                ),
                key=lambda pair: pair[0],
            )
            kept = self.sorted[value] = ([key for key, _ in keyed], [item for _, item in keyed])
        return kept


def _index_partitions(table: Table, index_name: str, hash_name: str, range_names: list[str]) -> _IndexPartitions:
    cache: dict[str, _IndexPartitions] = table.__dict__.setdefault("clarion_indexes", {})
    built = cache.get(index_name)
    if built is None or built.version != _version(table):
        built = cache[index_name] = _IndexPartitions(table, hash_name, range_names)
    return built


def _scan(self: Table, *args: Any, **kwargs: Any) -> Any:
    index_name = args[4] if len(args) > 4 else kwargs.get("index_name")  # moto passes it fifth
    start = args[2] if len(args) > 2 else kwargs.get("exclusive_start_key")
    candidates = None if index_name is not None or getattr(_partition, "table", None) else _scan_candidates(self, start)
    if candidates is None:
        return _original_scan(self, *args, **kwargs)
    _partition.table, _partition.items = self, candidates
    try:
        return _original_scan(self, *args, **kwargs)
    finally:
        _partition.table, _partition.items = None, None


def _scan_candidates(table: Table, exclusive_start_key: dict[str, Any] | None) -> list[Any] | None:
    """The table's items past the start key, in moto's order (table keys); None for a start key moto reports."""
    names = [name for name in (table.hash_key_attr, table.range_key_attr) if name]
    cache: dict[str, Any] = table.__dict__.setdefault("clarion_indexes", {})
    built, version = cache.get(""), _version(table)  # "": the table itself, by its keys
    if built is None or built[0] != version:  # the version read before the items: a write meanwhile outdates them
        keyed = sorted(
            (
                (tuple(key.cast_value for key in _keys(item)), item)
                for partition in table.items.values()
                for item in (partition.values() if isinstance(partition, dict) else (partition,))
            ),
            key=lambda pair: pair[0],
        )
        built = cache[""] = (version, [key for key, _ in keyed], [item for _, item in keyed])
    _, keys, items = built
    if not exclusive_start_key:
        return list(items)
    try:
        start = _sort_key(exclusive_start_key, names)
    except (KeyError, TypeError):
        return None
    return items[bisect.bisect_right(keys, start) :]


def _sort_key(attributes: dict[str, Any], names: list[str]) -> tuple[Any, ...]:
    """Where a start key sorts in moto's order: DynamoType compares by its cast value."""
    return tuple(DynamoType(attributes[name]).cast_value for name in names)


def _keys(item: Any) -> tuple[Any, ...]:
    return (item.hash_key,) if item.range_key is None else (item.hash_key, item.range_key)


def _project(self: Item, projection_expressions: list[list[str]]) -> Item:
    """moto's Item.project, with each path found in its own top-level attribute made plain rather than in the
    whole item: `find_nested_key` reads nothing else."""
    result: dict[str, Any] = {}
    for expression in projection_expressions:
        tops = {expression[0], expression[0].split("[", 1)[0]}  # `list[2]` is read from `list`
        plain = {
            key: dynamo_type.deserializer.deserialize(value.to_regular_json())
            for key, value in self.attrs.items()
            if key in tops
        }
        merge_dicts(result, find_nested_key(expression, plain))
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=dynamo_type.serializer.serialize(result)["M"])


def _version(table: Table) -> int:
    return int(table.__dict__.get("clarion_version", 0))


def _changed(table: Table | None) -> None:
    """A write to the table happened: its index partitions are built again on their next query. Called once the
    write is done, so that a partition built while it ran is thrown away too."""
    if table is not None:
        table.__dict__["clarion_version"] = _version(table) + 1
        table.__dict__.pop("clarion_indexes", None)


def _table_put(self: Table, *args: Any, **kwargs: Any) -> Any:
    try:
        return _original_table_put(self, *args, **kwargs)
    finally:
        _changed(self)


def _table_delete(self: Table, *args: Any, **kwargs: Any) -> Any:
    try:
        return _original_table_delete(self, *args, **kwargs)
    finally:
        _changed(self)


def _update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
    """moto's UpdateItem changes the item in place, under the index partitions' feet."""
    try:
        return _original_update_item(self, table_name, *args, **kwargs)
    finally:
        _changed(self.tables.get(table_name))


def _update_table(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return _original_update_table(self, name, *args, **kwargs)
    finally:
        _changed(self.tables.get(name))


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
    finally:
        for table in {id(entry[0]): entry[0] for entry in saved}.values():
            _changed(table)


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
