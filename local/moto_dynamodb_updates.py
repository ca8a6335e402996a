"""moto's UpdateItem without the work DynamoDB does not do, grown with the item's size and the expression's actions;
the outcomes are moto's (tests/local/test_local_moto_dynamodb_updates.py compares them with unpatched moto's).

Installed by local.moto_dynamodb.install, after its own patches:

- Item sizes: moto measures an item whole before each attribute it sets (the 400 KB limit), and measures a map's
  values by first rebuilding each as a new typed value, nested lists and maps included. Here a value is measured
  where it stands, by the same rules (`DynamoType.size`), so an update's N actions on an item of A attributes
  still measure it N times, without rebuilding it.
- Copies: moto's UpdateItem deep-copies the item it updates twice, once to answer ALL_OLD / UPDATED_OLD /
  UPDATED_NEW and once for the table's stream. Here the first copy is skipped when the request returns NONE or
  ALL_NEW (neither reads it), the second when the table has no stream (nothing else reads it).
- Requests: moto's parser walks each attribute value of a request (items, keys, expression values) through the
  AttributeValue shape, member by member, to build the same dict again. A value already in that shape (one known
  type, no binary, no null member: what SDKs send) is taken as it is; any other goes through moto's own path.
- Expression walks: moto's validator walks the update expression's tree some seven times a request, testing
  each node against each node type it handles with `isinstance` on abstract classes. Here each walk looks a
  node's processor up by the node's class, found once per walker, in the same order moto tries them.
"""

from __future__ import annotations

import copy
import threading
import types
from typing import Any

from moto.core.parse import BaseJSONParser
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb import responses as dynamodb_responses
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser, Node  # type: ignore[attr-defined]

MAX_ITEM_BYTES = 405_000  # moto's limit (DynamoDB's 400 KB, measured)
_SETS = frozenset({"SS", "NS", "BS"})
_SCALARS = frozenset({"S", "N"})
_FLAGS = frozenset({"NULL", "BOOL"})
_skipped = threading.local()
_originals: dict[tuple[Any, str], Any] = {}


def install() -> None:
    """Replaces moto's pieces (idempotent); `uninstall` puts moto's own back."""
    if _originals:
        return
    replacements: list[tuple[Any, str, Any]] = [
        (DynamoType, "size", _size),
        (LimitedSizeDict, "__setitem__", _limited_setitem),
        (dynamodb_responses.DynamoHandler, "update_item", _handle_update_item),
        (dynamodb_models.DynamoDBBackend, "update_item", _backend_update_item),
        (dynamodb_responses, "copy", types.SimpleNamespace(deepcopy=_response_copy)),
        (dynamodb_models, "copy", types.SimpleNamespace(deepcopy=_backend_copy(dynamodb_models.copy.deepcopy))),
        (DepthFirstTraverser, "traverse_node_recursively", _traverse),
        (BaseJSONParser, "_parse_structure", _parse_structure),
    ]
    for owner, name, replacement in replacements:
        _originals[(owner, name)] = owner.__dict__[name]
        setattr(owner, name, replacement)


def uninstall() -> None:
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    _originals.clear()


# --- item sizes -----------------------------------------------------------------------------------------------


def _size(self: DynamoType) -> int:
    """`DynamoType.size`, without rebuilding a map's values to measure them."""
    return _value_size(self.type, self.value)


def _value_size(kind: str, value: Any) -> int:
    if kind == "N":
        return len(str(value))
    if kind in _SETS:
        return sum(_value_size(kind[0], member) for member in value)
    if kind == "L":
        return sum(_any_size(member) for member in value)
    if kind == "M":
        return sum(len(name.encode("utf-8")) + _any_size(member) for name, member in value.items())
    if isinstance(value, bool):
        return 1
    return len(value if isinstance(value, bytes) else value.encode("utf-8"))


def _any_size(value: Any) -> int:
    """A list's or map's member: typed already, or still in its wire shape (moto types it first)."""
    if isinstance(value, DynamoType):
        return _value_size(value.type, value.value)
    ((kind, inner),) = value.items()
    return _value_size(kind, inner)


def _limited_setitem(self: LimitedSizeDict, key: str, value: Any) -> None:
    """moto's check, same sum (the replaced value still counted), each value measured where it stands."""
    current = sum(_entry_size(name) + _entry_size(member) for name, member in self.items())
    if current + _entry_size(key) + _entry_size(value) > MAX_ITEM_BYTES:
        raise ItemSizeTooLarge
    dict.__setitem__(self, key, value)


def _entry_size(entry: Any) -> int:
    if type(entry) is DynamoType:
        return _value_size(entry.type, entry.value)
    return len(str(entry).encode("utf-8"))


# --- requests -------------------------------------------------------------------------------------------------


def _parse_structure(self: Any, shape: Any, value: Any) -> Any:
    if shape.name == "AttributeValue" and _parsed_as_is(value):
        return value
    return _originals[(BaseJSONParser, "_parse_structure")](self, shape, value)


def _parsed_as_is(value: Any) -> bool:
    """An attribute value that moto's parser would rebuild equal to itself: a dict of one known, non-binary type
    whose value has the JSON type moto's parser keeps unchanged, members alike."""
    if type(value) is not dict or len(value) != 1:
        return False
    ((kind, inner),) = value.items()
    if kind in _SCALARS:
        return type(inner) is str
    if kind == "M":
        return type(inner) is dict and all(type(k) is str and _parsed_as_is(v) for k, v in inner.items())
    if kind == "L":
        return type(inner) is list and all(_parsed_as_is(member) for member in inner)
    if kind in _FLAGS:
        return type(inner) is bool
    if kind in ("SS", "NS"):
        return type(inner) is list and all(type(member) is str for member in inner)
    return False


# --- copies ---------------------------------------------------------------------------------------------------


def _handle_update_item(self: Any) -> Any:
    """The response's copy of the item before the update is read only for ALL_OLD and the UPDATED_ answers."""
    _skipped.response_copy = self.body.get("ReturnValues", "NONE") in ("NONE", "ALL_NEW")
    try:
        return _originals[(dynamodb_responses.DynamoHandler, "update_item")](self)
    finally:
        _skipped.response_copy = False


def _response_copy(value: Any, memo: Any = None) -> Any:
    if getattr(_skipped, "response_copy", False):
        _skipped.response_copy = False
        return None  # moto then answers from the updated item alone, as it does for NONE and ALL_NEW anyway
    return copy.deepcopy(value, memo)


def _backend_update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
    """The backend's copy of the item before the update is read only by the table's stream."""
    table = self.tables.get(table_name)
    _skipped.stream_copy = table is not None and table.stream_shard is None
    try:
        return _originals[(dynamodb_models.DynamoDBBackend, "update_item")](self, table_name, *args, **kwargs)
    finally:
        _skipped.stream_copy = False


def _backend_copy(deepcopy: Any) -> Any:
    def backend_copy(value: Any, *args: Any) -> Any:
        if getattr(_skipped, "stream_copy", False) and (value is None or isinstance(value, Item)):
            _skipped.stream_copy = False
            return value
        return deepcopy(value, *args)

    return backend_copy


# --- expression walks -----------------------------------------------------------------------------------------

_is_node: dict[type, bool] = {}


def _traverse(self: Any, node: Any, child_id: int = -1) -> Any:
    """`DepthFirstTraverser.traverse_node_recursively`, the processor found by the node's class; a child that is no
    node (a token's text) is passed over, as moto's walk returns it untouched."""
    return _walk(self, node, child_id) if _node_class(type(node)) else node


def _node_class(kind: type) -> bool:
    is_node = _is_node.get(kind)
    if is_node is None:
        is_node = _is_node[kind] = issubclass(kind, Node)
    return is_node


def _walk(self: Any, node: Any, child_id: int) -> Any:
    kind = type(node)
    parent_node = node.parent
    children = node.children
    if children is not None:
        hook = self.pre_processing_of_child if _has_child_hook(self) else None
        for index, child in enumerate(children):
            if hook is not None:
                hook(node, index)
            if _node_class(type(child)):
                _walk(self, child, index)
    processor = _processor(self, kind)
    if processor is not None:
        node = processor(node)
        node.parent = parent_node
        if parent_node:
            parent_node.children[child_id] = node
    return node


def _has_child_hook(walker: Any) -> bool:
    return type(walker).pre_processing_of_child is not DepthFirstTraverser.pre_processing_of_child


def _processor(walker: Any, kind: type) -> Any:
    """The first processor of the walker's map whose node type `kind` is (moto's `process` order), or None."""
    found = walker.__dict__.get("clarion_by_class")
    if found is None:
        found = walker.clarion_by_class = {}
        walker.clarion_map = walker._processing_map()
    if kind not in found:
        found[kind] = next(
            (processor for node_type, processor in walker.clarion_map.items() if issubclass(kind, node_type)), None
        )
    return found[kind]
