"""A thin DynamoDB table over the low-level client: plain Python values in and out, no Decimal."""

import base64
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypedDict, TypeVar

from typing_extensions import Unpack

from clarion.aws import client
from clarion.errors import ValidationFailed

Item = dict[str, Any]
T = TypeVar("T", bound=Mapping[str, Any])


MAX_NUMBER_DIGITS = 38
MAX_LIMIT = 2**31 - 1  # a request's Limit is a 32-bit integer


def storable_number(value: float) -> bool:
    """DynamoDB keeps 38 significant digits, magnitudes from 1e-130 to below 1e126 (and zero), no NaN or Infinity."""
    significant = repr(abs(value)).split("e")[0].replace(".", "").strip("0")
    return value == 0 or (len(significant) <= MAX_NUMBER_DIGITS and 1e-130 <= abs(value) < 1e126)


def to_attribute(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": repr(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, dict):
        return {"M": {k: to_attribute(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_attribute(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"SS": sorted(value)}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def from_attribute(attribute: dict[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "N":
        return int(value) if value.lstrip("-").isdigit() else float(value)
    if kind == "M":
        return {k: from_attribute(v) for k, v in value.items()}
    if kind == "L":
        return [from_attribute(v) for v in value]
    if kind in ("SS", "NS", "BS"):
        return set(value)
    if kind == "NULL":
        return None
    return value


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: to_attribute(v) for k, v in values.items()}


def from_item(item: dict[str, Any]) -> Item:
    return {k: from_attribute(v) for k, v in item.items()}


class Page(NamedTuple, Generic[T]):
    """One page of items (a repository's: its entities) and the cursor of the next page, if any."""

    items: list[T]
    cursor: str | None


@dataclass
class Expression:
    """An expression with its `#name` and `:value` placeholders, as the DynamoDB API takes them."""

    text: str
    names: dict[str, str] = field(default_factory=dict)
    values: Item = field(default_factory=dict)

    def params(self, key: str) -> dict[str, Any]:
        params: dict[str, Any] = {key: self.text}
        if self.names:
            params["ExpressionAttributeNames"] = self.names
        if self.values:
            params["ExpressionAttributeValues"] = to_item(self.values)
        return params


def set_or_remove(changes: Mapping[str, Any]) -> Expression:
    """The update that sets each attribute of `changes` to its value, and removes those whose value is None."""
    names = {f"#{index}": name for index, name in enumerate(changes)}
    values = {f":{index}": value for index, value in enumerate(changes.values()) if value is not None}
    sets = [f"#{index} = :{index}" for index in range(len(changes)) if f":{index}" in values]
    removals = [f"#{index}" for index in range(len(changes)) if f":{index}" not in values]
    clauses = (f"{word} {', '.join(parts)}" for word, parts in (("SET", sets), ("REMOVE", removals)) if parts)
    return Expression(" ".join(clauses), names, values)


def added(delta: int, attribute: str = "total") -> Expression:
    """`ADD attribute delta`: a counter's update (an absent counter starts from 0)."""
    return Expression("ADD #counter :delta", {"#counter": attribute}, {":delta": delta})


NEW_ITEM = Expression("attribute_not_exists(pk)")
"""The condition of a write that must not replace an existing item."""
CONDITION_FAILED = "ConditionalCheckFailed"
"""A cancelled transaction's reason for an operation whose condition did not hold."""
TRANSACTION_CONFLICT = "TransactionConflict"
"""A cancelled transaction's reason for an item another transaction was writing."""
TRANSACTION_ATTEMPTS = 5


def encode_cursor(last_key: Item) -> str:
    return base64.urlsafe_b64encode(json.dumps(last_key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, partition: str, prefix: str = "") -> dict[str, Any]:
    """The start key a cursor encodes; a cursor that is malformed, or not a key of this partition and sort-key
    prefix (DynamoDB would refuse it as a start key), is a 422."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(key, dict) or set(key) != {"pk", "sk"} or key["pk"] != partition:
            raise ValueError(cursor)
        if not isinstance(key["sk"], str) or not key["sk"].startswith(prefix):
            raise ValueError(cursor)
        return to_item(key)
    except (ValueError, TypeError) as error:
        raise ValidationFailed("cursor is not one this list returned", field="cursor") from error


class QueryOptions(TypedDict, total=False):
    index: str | None
    where: Expression | None
    newest_first: bool
    page_size: int | None
    consistent: bool
    projection: str | None


class DynamoTable:
    def __init__(self, name: str, *, single_attempt: bool = False) -> None:
        """`single_attempt`: no botocore retry (a sender's provider call: its job is retried by its queue)."""
        self.name = name
        self.single_attempt = single_attempt

    def _client(self) -> Any:
        return client("dynamodb", single_attempt=self.single_attempt)

    def get(self, pk: str, sk: str, *, consistent: bool = False) -> Item | None:
        response = self._client().get_item(
            TableName=self.name, Key=to_item({"pk": pk, "sk": sk}), ConsistentRead=consistent
        )
        return from_item(response["Item"]) if "Item" in response else None

    def count_at(self, pk: str, sk: str) -> int:
        """The `total` of a counter item (`added`); 0 when nothing was ever counted there."""
        counter = self.get(pk, sk)
        return int(counter["total"]) if counter else 0

    def query_partition(
        self, pk: str, *, prefix: str, limit: int, cursor: str | None = None, newest_first: bool = False
    ) -> Page[Item]:
        """One page of the items whose sort key starts with `prefix`; reads one extra item to know if more exist."""
        condition = Expression("pk = :pk AND begins_with(sk, :prefix)", values={":pk": pk, ":prefix": prefix})
        params = {"TableName": self.name, "Limit": limit + 1, "ScanIndexForward": not newest_first}
        params |= condition.params("KeyConditionExpression")
        if cursor:
            params["ExclusiveStartKey"] = decode_cursor(cursor, partition=pk, prefix=prefix)
        items = [from_item(i) for i in self._client().query(**params)["Items"]]
        if len(items) <= limit:
            return Page(items, None)
        last = items[limit - 1]
        return Page(items[:limit], encode_cursor({"pk": last["pk"], "sk": last["sk"]}))

    def partition_items(
        self, pk: str, *, prefix: str, where: Expression | None = None, newest_first: bool = False, page_size: int = 100
    ) -> Iterator[Item]:
        """The items whose sort key starts with `prefix` and that match the filter `where`, in sort-key order,
        read a page at a time as the caller consumes them (stop early to read less)."""
        key = Expression("pk = :pk AND begins_with(sk, :prefix)", values={":pk": pk, ":prefix": prefix})
        return self.query_items(key, where=where, newest_first=newest_first, page_size=page_size)

    def query_items(self, key: Expression, **options: Unpack[QueryOptions]) -> Iterator[Item]:
        """The items of a key condition (on the table or `index`) matching the filter `where`, in sort-key order,
        read a page at a time as the caller consumes them."""
        for page in self.query_pages(key, **options):
            yield from page

    def query_pages(
        self,
        key: Expression,
        *,
        index: str | None = None,
        where: Expression | None = None,
        newest_first: bool = False,
        page_size: int | None = None,
        consistent: bool = False,
        projection: str | None = None,
    ) -> Iterator[list[Item]]:
        """`query_items` a page at a time (`page_size` items a request): every multi-page Query of the layer."""
        params: dict[str, Any] = {"TableName": self.name, "ScanIndexForward": not newest_first}
        params |= key.params("KeyConditionExpression")
        if index:
            params["IndexName"] = index
        if page_size:
            params["Limit"] = page_size
        if consistent:
            params["ConsistentRead"] = True
        if projection:
            params["ProjectionExpression"] = projection
        if where:
            filter_params = where.params("FilterExpression")
            for part in ("ExpressionAttributeValues", "ExpressionAttributeNames"):  # DynamoDB refuses an empty map
                if merged := params.get(part, {}) | filter_params.pop(part, {}):
                    params[part] = merged
            params |= filter_params
        for page in self._pages(params, {}):
            yield [from_item(item) for item in page["Items"]]

    def _pages(self, params: dict[str, Any], config: dict[str, int]) -> Iterator[dict[str, Any]]:
        """The responses of a Query, page after page: boto3's paginator follows LastEvaluatedKey."""
        return iter(self._client().get_paginator("query").paginate(**params, PaginationConfig=config))

    def put(self, item: Mapping[str, Any], condition: Expression | None = None) -> bool:
        """One PutItem; False (nothing written) when `condition` does not hold."""
        try:
            self._client().put_item(**self.put_op(item, condition)["Put"])
        except Exception as error:
            if is_condition_failed(error):
                return False
            raise
        return True

    def update(self, pk: str, sk: str, update: Expression, condition: str | None = None) -> Item | None:
        """One UpdateItem; the whole item as it is afterwards, or None (nothing written) when `condition` fails."""
        op = self.update_op(pk, sk, update, condition)["Update"] | {"ReturnValues": "ALL_NEW"}
        try:
            response = self._client().update_item(**op)
        except Exception as error:
            if is_condition_failed(error):
                return None
            raise
        return from_item(response["Attributes"])

    def offset_page(
        self, index: str, key: Item, *, offset: int, limit: int, newest_first: bool = False
    ) -> tuple[list[Item], bool]:
        """Items `offset` to `offset + limit` of a keys-only index partition, in index order (reversed when
        `newest_first`), and whether more follow. Skipping reads keys only (a few bytes each); only the page's items
        are read in full."""
        ((name, value),) = key.items()
        params: dict[str, Any] = {"TableName": self.name, "IndexName": index, "ScanIndexForward": not newest_first}
        params |= Expression("#k = :k", {"#k": name}, {":k": value}).params("KeyConditionExpression")
        wanted = offset + limit + 1
        pages = self._pages(params, {"MaxItems": wanted, "PageSize": min(1000, wanted)})
        keys = [{"pk": from_attribute(i["pk"]), "sk": from_attribute(i["sk"])} for page in pages for i in page["Items"]]
        page = keys[offset : offset + limit]
        return self.batch_get(page), len(keys) > offset + limit

    def batch_get(self, keys: list[Item], *, consistent: bool = False) -> list[Item]:
        """The items at `keys` that exist, in the order of `keys` (100 a request, unprocessed keys retried)."""
        found: dict[tuple[str, str], Item] = {}
        for start in range(0, len(keys), 100):
            batch = [to_item(k) for k in keys[start : start + 100]]
            pending: dict[str, Any] = {self.name: {"Keys": batch, "ConsistentRead": consistent}}
            while pending:
                response = self._client().batch_get_item(RequestItems=pending)
                for raw in response["Responses"].get(self.name, []):
                    item = from_item(raw)
                    found[(item["pk"], item["sk"])] = item
                pending = response.get("UnprocessedKeys") or {}
        return [found[(k["pk"], k["sk"])] for k in keys if (k["pk"], k["sk"]) in found]

    def batch_write(self, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[tuple[str, str]] = ()) -> int:
        """Puts and deletes, 25 a request, unprocessed ones retried with backoff; returns the requests made."""
        operations = [{"PutRequest": {"Item": to_item(item)}} for item in puts]
        operations += [{"DeleteRequest": {"Key": to_item({"pk": pk, "sk": sk})}} for pk, sk in deletes]
        requests = 0
        for start in range(0, len(operations), 25):
            pending = operations[start : start + 25]
            for attempt in range(8):
                requests += 1
                response = self._client().batch_write_item(RequestItems={self.name: pending})
                pending = response.get("UnprocessedItems", {}).get(self.name, [])
                if not pending:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise RuntimeError(f"{len(pending)} writes to {self.name} stayed unprocessed")
        return requests

    def count(self, index: str, key: Item, *, at_most: int) -> int:
        """How many items a (sparse) index partition holds, counting no further than `at_most`."""
        ((name, value),) = key.items()
        params: dict[str, Any] = {"TableName": self.name, "IndexName": index, "Select": "COUNT"}
        params |= Expression("#k = :k", {"#k": name}, {":k": value}).params("KeyConditionExpression")
        total = 0
        for page in self._pages(params, {"PageSize": min(at_most, MAX_LIMIT)}):
            total += page["Count"]
            if total >= at_most:
                break
        return min(total, at_most)

    def transact(self, operations: Iterable[dict[str, Any]]) -> None:
        """Write every operation or none; raises the client's TransactionCanceledException on a failed condition.
        A transaction cancelled only because another was writing one of its items (a hot counter) is tried again."""
        items = list(operations)
        for attempt in range(TRANSACTION_ATTEMPTS):
            try:
                self._client().transact_write_items(TransactItems=items)
                return
            except Exception as error:
                if attempt + 1 == TRANSACTION_ATTEMPTS or not _only_conflicts(error):
                    raise
                time.sleep(min(0.01 * 2**attempt, 0.2))

    def transact_unless_refused(self, operations: list[dict[str, Any]]) -> bool:
        """Writes every operation; False, writing none, when the condition of the first one fails (the others'
        failures raise, as `transact` does)."""
        try:
            self.transact(operations)
        except Exception as error:
            if is_transaction_cancelled(error) and cancellation_reasons(error)[:1] == [CONDITION_FAILED]:
                return False
            raise
        return True

    def put_op(self, item: Mapping[str, Any], condition: Expression | None = None) -> dict[str, Any]:
        op: dict[str, Any] = {"TableName": self.name, "Item": to_item(item)}
        if condition:
            op |= condition.params("ConditionExpression")
        return {"Put": op}

    def update_op(self, pk: str, sk: str, update: Expression, condition: str | None = None) -> dict[str, Any]:
        op: dict[str, Any] = {"TableName": self.name, "Key": to_item({"pk": pk, "sk": sk})}
        op |= update.params("UpdateExpression")
        if condition:
            op["ConditionExpression"] = condition
        return {"Update": op}

    def delete_op(self, pk: str, sk: str, condition: str | None = None) -> dict[str, Any]:
        op: dict[str, Any] = {"TableName": self.name, "Key": to_item({"pk": pk, "sk": sk})}
        if condition:
            op["ConditionExpression"] = condition
        return {"Delete": op}


def cancellation_reasons(error: Exception) -> list[str]:
    """The per-operation codes of a cancelled transaction ('None' for those that passed)."""
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return [reason.get("Code", "None") for reason in reasons]


def _only_conflicts(error: Exception) -> bool:
    """A transaction cancelled for concurrent transactions on its items only: nothing was written, try again."""
    reasons = set(cancellation_reasons(error)) - {"None"}
    return is_transaction_cancelled(error) and reasons == {TRANSACTION_CONFLICT}


def is_transaction_cancelled(error: Exception) -> bool:
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code == "TransactionCanceledException"


def is_condition_failed(error: Exception) -> bool:
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code == "ConditionalCheckFailedException"
