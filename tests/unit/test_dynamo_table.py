"""clarion.dynamo.DynamoTable on the in-memory store: conditional writes, updates, partition paging with cursors,
multi-page queries, offset pages over a keys-only index, batch reads and writes past one request's limit, counts,
transactions and how their failures are told apart."""

import base64
import itertools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError

from clarion.aws import client
from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    cancellation_reasons,
    decode_cursor,
    encode_cursor,
    is_condition_failed,
    is_transaction_cancelled,
)
from clarion.errors import ValidationFailed
from tests.unit.conftest import answered

_hooks = itertools.count()


@pytest.fixture
def table(memory_tables):
    return DynamoTable(memory_tables["CampaignsTable"])


@pytest.fixture
def pk():
    return f"TEST#{uuid.uuid4().hex}"


@contextmanager
def requests(operation: str) -> Iterator[list[dict[str, Any]]]:
    """The parameters of each `operation` request the shared DynamoDB client makes meanwhile."""
    seen: list[dict[str, Any]] = []
    hook = f"test-requests-{next(_hooks)}"
    events = client("dynamodb").meta.events

    def record(params: dict[str, Any], **_: Any) -> None:
        seen.append(dict(params))

    events.register(f"before-parameter-build.dynamodb.{operation}", record, unique_id=hook)
    try:
        yield seen
    finally:
        events.unregister(f"before-parameter-build.dynamodb.{operation}", unique_id=hook)


def put_sorted(table: DynamoTable, pk: str, prefix: str, count: int, **extra: Any) -> list[str]:
    """`count` items under `prefix`, sort keys in zero-padded order; returns the sort keys."""
    sks = [f"{prefix}{n:04d}" for n in range(count)]
    table.batch_write({"pk": pk, "sk": sk, "n": n} | extra for n, sk in enumerate(sks))
    return sks


# get and put


def test_get_of_a_missing_item_is_none(table, pk):
    assert table.get(pk, "NOTHING") is None


def test_a_put_item_reads_back_with_plain_python_values(table, pk):
    item = {"pk": pk, "sk": "A", "count": 3, "ratio": 0.5, "tags": ["x", {"y": None}], "on": False}
    assert table.put(item) is True
    stored = table.get(pk, "A", consistent=True)
    assert stored == item
    assert type(stored["count"]) is int


def test_a_put_conditioned_on_a_new_item_does_not_replace_one(table, pk):
    table.put({"pk": pk, "sk": "A", "owner": "first"})
    assert table.put({"pk": pk, "sk": "A", "owner": "second"}, NEW_ITEM) is False
    assert table.get(pk, "A")["owner"] == "first"


def test_a_put_conditioned_on_a_new_item_writes_where_there_is_none(table, pk):
    assert table.put({"pk": pk, "sk": "A", "owner": "first"}, NEW_ITEM) is True
    assert table.get(pk, "A")["owner"] == "first"


@pytest.mark.parametrize(("read_version", "written"), [(1, True), (0, False), (2, False)])
def test_a_put_conditioned_on_the_version_read_writes_only_at_that_version(table, pk, read_version, written):
    table.put({"pk": pk, "sk": "A", "version": 1, "name": "old"})
    unchanged = Expression("version = :v", values={":v": read_version})
    assert table.put({"pk": pk, "sk": "A", "version": 2, "name": "new"}, unchanged) is written
    assert table.get(pk, "A")["name"] == ("new" if written else "old")


def test_a_put_that_fails_for_another_reason_than_its_condition_raises(memory_tables, pk):
    missing = DynamoTable(f"NoSuchTable{uuid.uuid4().hex}")
    with pytest.raises(ClientError) as raised:
        missing.put({"pk": pk, "sk": "A"}, NEW_ITEM)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_single_attempt_table_reads_and_writes_the_same_items(memory_tables, table, pk):
    single = DynamoTable(memory_tables["CampaignsTable"], single_attempt=True)
    assert single.put({"pk": pk, "sk": "A", "v": 1})
    assert table.get(pk, "A") == single.get(pk, "A") == {"pk": pk, "sk": "A", "v": 1}


# update


def test_an_update_returns_the_whole_item_as_it_is_afterwards(table, pk):
    table.put({"pk": pk, "sk": "A", "name": "kept", "hits": 1})
    after = table.update(pk, "A", Expression("SET hits = hits + :one", values={":one": 1}))
    assert after == {"pk": pk, "sk": "A", "name": "kept", "hits": 2}
    assert table.get(pk, "A") == after


def test_an_update_whose_condition_fails_is_none_and_writes_nothing(table, pk):
    table.put({"pk": pk, "sk": "A", "status": "sent"})
    update = Expression("SET #s = :new", names={"#s": "status"}, values={":new": "sending", ":queued": "queued"})
    assert table.update(pk, "A", update, condition="#s = :queued") is None
    assert table.get(pk, "A")["status"] == "sent"


def test_an_update_conditioned_on_an_existing_item_does_not_create_one(table, pk):
    update = Expression("SET hits = :one", values={":one": 1})
    assert table.update(pk, "A", update, condition="attribute_exists(pk)") is None
    assert table.get(pk, "A") is None


def test_an_update_that_fails_for_another_reason_than_its_condition_raises(table, pk):
    table.put({"pk": pk, "sk": "A"})
    missing_attribute = Expression("SET hits = hits + :one", values={":one": 1})
    with pytest.raises(ClientError) as raised:
        table.update(pk, "A", missing_attribute, condition="attribute_exists(pk)")
    assert raised.value.response["Error"]["Code"] == "ValidationException"


# query_partition: one page and a cursor


def test_a_partition_page_holds_only_the_sort_keys_with_the_prefix_in_order(table, pk):
    wanted = put_sorted(table, pk, "WANTED#", 3)
    put_sorted(table, pk, "OTHER#", 2)
    table.put({"pk": f"{pk}-neighbour", "sk": "WANTED#0000"})
    page = table.query_partition(pk, prefix="WANTED#", limit=10)
    assert [item["sk"] for item in page.items] == wanted
    assert page.cursor is None


def test_a_partition_page_of_exactly_the_limit_has_no_cursor(table, pk):
    put_sorted(table, pk, "A#", 4)
    page = table.query_partition(pk, prefix="A#", limit=4)
    assert len(page.items) == 4
    assert page.cursor is None


def test_a_partition_page_short_of_the_end_has_a_cursor(table, pk):
    sks = put_sorted(table, pk, "A#", 5)
    page = table.query_partition(pk, prefix="A#", limit=4)
    assert [item["sk"] for item in page.items] == sks[:4]
    assert page.cursor is not None


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(("count", "limit"), [(7, 3), (6, 3), (1, 1), (10, 4)])
def test_following_the_cursors_visits_every_item_once_in_order(table, pk, count, limit, newest_first):
    sks = put_sorted(table, pk, "A#", count)
    seen, cursor, pages = [], None, 0
    while True:
        page = table.query_partition(pk, prefix="A#", limit=limit, cursor=cursor, newest_first=newest_first)
        assert len(page.items) <= limit
        seen += [item["sk"] for item in page.items]
        pages += 1
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == (sks[::-1] if newest_first else sks)
    assert pages == -(-count // limit)


def test_an_empty_partition_is_one_empty_page(table, pk):
    page = table.query_partition(pk, prefix="A#", limit=5)
    assert page.items == []
    assert page.cursor is None


def test_a_cursor_of_another_partition_is_a_422_naming_cursor(table, pk):
    put_sorted(table, pk, "A#", 3)
    other = f"{pk}-other"
    put_sorted(table, other, "A#", 3)
    cursor = table.query_partition(other, prefix="A#", limit=1).cursor
    with pytest.raises(ValidationFailed) as refused:
        table.query_partition(pk, prefix="A#", limit=1, cursor=cursor)
    assert refused.value.field == "cursor"


def tampered(cursor: str) -> list[str]:
    """Ways a client might garble a cursor it was given."""
    return [cursor[:-3], cursor[1:], cursor[:10] + "*" + cursor[11:], cursor.swapcase(), "x" + cursor, cursor[::-1]]


def test_a_tampered_cursor_is_a_422_naming_cursor(table, pk):
    put_sorted(table, pk, "A#", 3)
    cursor = table.query_partition(pk, prefix="A#", limit=1).cursor
    for garbled in tampered(cursor):
        with pytest.raises(ValidationFailed) as refused:
            table.query_partition(pk, prefix="A#", limit=1, cursor=garbled)
        assert refused.value.field == "cursor", garbled


@pytest.mark.parametrize(
    "key",
    [["pk", "sk"], "ENV#1", None, {"sk": "A#0001"}, {"pk": None, "sk": "A#0001"}],
    ids=["list", "string", "null", "no-partition", "null-partition"],
)
def test_a_cursor_encoding_no_key_of_the_partition_is_refused(key, pk):
    cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor, partition=pk)
    assert refused.value.field == "cursor"


@pytest.mark.parametrize("sk", [None, 7, ["A#0001"]], ids=["no-sort-key", "number", "list"])
def test_a_cursor_without_a_string_sort_key_is_refused(pk, sk):
    key = {"pk": pk} if sk is None else {"pk": pk, "sk": sk}
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(encode_cursor(key), partition=pk)
    assert refused.value.field == "cursor"


@pytest.mark.parametrize(
    "key",
    [{"sk": "B#0001"}, {"sk": "A#0001", "extra": "x"}, {"sk": "A#0001", "data": {"S": "x"}}],
    ids=["other-prefix", "extra-attribute", "extra-map"],
)
def test_a_cursor_dynamodb_would_refuse_as_a_start_key_is_a_422_not_a_500(table, pk, key):
    put_sorted(table, pk, "A#", 3)
    with pytest.raises(ValidationFailed) as refused:
        table.query_partition(pk, prefix="A#", limit=1, cursor=encode_cursor({"pk": pk} | key))
    assert refused.value.field == "cursor"


def test_a_cursor_is_url_safe_text_without_padding(pk):
    cursor = encode_cursor({"pk": pk + "?/+", "sk": "A#>>>?"})
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor


# partition_items, query_items, query_pages


def test_partition_items_reads_every_page_of_the_partition(table, pk):
    sks = put_sorted(table, pk, "A#", 23)
    with requests("Query") as queries:
        items = list(table.partition_items(pk, prefix="A#", page_size=5))
    assert [item["sk"] for item in items] == sks
    assert len(queries) >= 5


def test_partition_items_newest_first_is_reverse_sort_key_order(table, pk):
    sks = put_sorted(table, pk, "A#", 6)
    assert [item["sk"] for item in table.partition_items(pk, prefix="A#", newest_first=True, page_size=4)] == sks[::-1]


def test_partition_items_keeps_only_the_items_matching_the_filter(table, pk):
    put_sorted(table, pk, "A#", 10)
    where = Expression("#n >= :from", names={"#n": "n"}, values={":from": 7})
    assert [item["n"] for item in table.partition_items(pk, prefix="A#", where=where, page_size=3)] == [7, 8, 9]


def test_a_filter_without_values_or_names_of_its_own_is_accepted(table, pk):
    table.put({"pk": pk, "sk": "A#1", "flag": True})
    table.put({"pk": pk, "sk": "A#2"})
    items = list(table.partition_items(pk, prefix="A#", where=Expression("attribute_exists(flag)")))
    assert [item["sk"] for item in items] == ["A#1"]


def test_partition_items_reads_no_further_page_than_the_caller_consumes(table, pk):
    put_sorted(table, pk, "A#", 12)
    with requests("Query") as queries:
        first = next(iter(table.partition_items(pk, prefix="A#", page_size=5)))
    assert first["n"] == 0
    assert len(queries) == 1


def test_query_pages_returns_pages_of_at_most_the_page_size(table, pk):
    put_sorted(table, pk, "A#", 11)
    key = Expression("pk = :pk", values={":pk": pk})
    pages = [len(page) for page in table.query_pages(key, page_size=4)]
    assert sum(pages) == 11
    assert max(pages) == 4


def test_query_items_on_an_index_finds_the_items_by_the_index_key(memory_tables, pk):
    messages = DynamoTable(memory_tables["MessagesTable"])
    transaction = f"TX#{uuid.uuid4().hex}"
    for n in range(3):
        messages.put({"pk": f"{pk}#{n}", "sk": "M", "transactionKey": transaction, "createdAt": f"2026-01-0{n + 1}"})
    messages.put({"pk": f"{pk}#other", "sk": "M", "transactionKey": f"{transaction}x", "createdAt": "2026-01-01"})
    key = Expression("transactionKey = :t", values={":t": transaction})
    found = list(messages.query_items(key, index="TransactionIndex", newest_first=True, page_size=2))
    assert [item["pk"] for item in found] == [f"{pk}#2", f"{pk}#1", f"{pk}#0"]


def test_query_items_merges_the_filters_names_and_values_with_the_keys(table, pk):
    table.put({"pk": pk, "sk": "A#1", "status": "sent"})
    table.put({"pk": pk, "sk": "A#2", "status": "queued"})
    key = Expression("#pk = :pk", names={"#pk": "pk"}, values={":pk": pk})
    where = Expression("#s = :s", names={"#s": "status"}, values={":s": "queued"})
    assert [item["sk"] for item in table.query_items(key, where=where, consistent=True)] == ["A#2"]


def test_query_items_with_a_projection_returns_only_the_named_attributes(table, pk):
    table.put({"pk": pk, "sk": "A#1", "title": "t", "secret": "s"})
    key = Expression("pk = :pk", values={":pk": pk})
    assert list(table.query_items(key, projection="sk, title")) == [{"sk": "A#1", "title": "t"}]


# offset_page and count over a keys-only index


@pytest.fixture
def listed(memory_tables):
    """A keys-only ListIndex partition of 12 subscribers (listSk s00…s11) in SubscribersTable; yields table, key."""
    subscribers = DynamoTable(memory_tables["SubscribersTable"])
    list_pk = f"ENV#{uuid.uuid4().hex}#SUBSCRIBERS"
    subscribers.batch_write(
        {"pk": f"{list_pk}#{n}", "sk": "PROFILE", "listPk": list_pk, "listSk": f"s{n:02d}", "name": f"sub {n}"}
        for n in range(12)
    )
    return subscribers, {"listPk": list_pk}


@pytest.mark.parametrize(
    ("offset", "limit", "names", "more"),
    [
        (0, 5, [0, 1, 2, 3, 4], True),
        (5, 5, [5, 6, 7, 8, 9], True),
        (10, 5, [10, 11], False),
        (7, 5, [7, 8, 9, 10, 11], False),
        (12, 5, [], False),
        (40, 5, [], False),
        (0, 12, list(range(12)), False),
        (0, 11, list(range(11)), True),
    ],
)
def test_an_offset_page_is_the_full_items_at_that_offset_in_index_order(listed, offset, limit, names, more):
    table, key = listed
    items, has_more = table.offset_page("ListIndex", key, offset=offset, limit=limit)
    assert [item["name"] for item in items] == [f"sub {n}" for n in names]
    assert has_more is more


def test_an_offset_page_reads_in_full_only_the_items_of_the_page(listed):
    table, key = listed
    with requests("BatchGetItem") as batches:
        items, _ = table.offset_page("ListIndex", key, offset=8, limit=3)
    assert len(items) == 3
    assert [len(batch["RequestItems"][table.name]["Keys"]) for batch in batches] == [3]


def test_an_offset_page_of_an_empty_index_partition_is_empty(memory_tables):
    table = DynamoTable(memory_tables["SubscribersTable"])
    assert table.offset_page("ListIndex", {"listPk": f"ENV#{uuid.uuid4().hex}"}, offset=0, limit=10) == ([], False)


@pytest.mark.parametrize(("at_most", "counted"), [(100, 12), (12, 12), (5, 5), (1, 1)])
def test_count_counts_the_index_partition_no_further_than_at_most(listed, at_most, counted):
    table, key = listed
    assert table.count("ListIndex", key, at_most=at_most) == counted


def test_count_stops_reading_once_it_reaches_at_most(listed):
    table, key = listed
    with requests("Query") as queries:
        assert table.count("ListIndex", key, at_most=4) == 4
    assert len(queries) == 1


def test_count_without_a_practical_bound_asks_for_pages_dynamodb_accepts(listed):
    table, key = listed
    with requests("Query") as queries:
        assert table.count("ListIndex", key, at_most=2**62) == 12
    assert 0 < queries[0]["Limit"] <= 2**31 - 1  # DynamoDB's Limit is a 32-bit integer


def test_count_of_an_empty_index_partition_is_zero(memory_tables):
    table = DynamoTable(memory_tables["SubscribersTable"])
    assert table.count("ListIndex", {"listPk": f"ENV#{uuid.uuid4().hex}"}, at_most=10) == 0


# batch_get and batch_write


def test_batch_get_past_100_keys_returns_the_existing_items_in_the_order_of_the_keys(table, pk):
    sks = put_sorted(table, pk, "A#", 120)
    keys = [{"pk": pk, "sk": sk} for sk in reversed(sks)]
    keys.insert(50, {"pk": pk, "sk": "A#missing"})
    with requests("BatchGetItem") as batches:
        items = table.batch_get(keys)
    assert [item["sk"] for item in items] == sks[::-1]
    assert len(batches) == 2


def test_batch_get_of_no_keys_makes_no_request(table):
    with requests("BatchGetItem") as batches:
        assert table.batch_get([]) == []
    assert batches == []


def test_batch_get_asks_again_for_the_keys_left_unprocessed(table, pk):
    sks = put_sorted(table, pk, "A#", 4)

    def throttled(body: dict[str, Any]) -> dict[str, Any]:
        return {"Responses": {}, "UnprocessedKeys": body["RequestItems"]}

    with answered("BatchGetItem", [throttled]), requests("BatchGetItem") as batches:
        items = table.batch_get([{"pk": pk, "sk": sk} for sk in sks])
    assert [item["sk"] for item in items] == sks
    assert len(batches) == 2


@pytest.mark.parametrize(("count", "expected_requests"), [(0, 0), (1, 1), (25, 1), (26, 2), (60, 3)])
def test_batch_write_writes_every_item_25_a_request(table, pk, count, expected_requests):
    items = [{"pk": pk, "sk": f"A#{n:04d}"} for n in range(count)]
    assert table.batch_write(items) == expected_requests
    assert len(list(table.partition_items(pk, prefix="A#"))) == count


def test_batch_write_deletes_and_puts_in_the_same_call(table, pk):
    sks = put_sorted(table, pk, "A#", 30)
    requests_made = table.batch_write(puts=[{"pk": pk, "sk": "B#1"}], deletes=[(pk, sk) for sk in sks[:28]])
    assert requests_made == 2
    left = table.query_items(Expression("pk = :pk", values={":pk": pk}))
    assert [item["sk"] for item in left] == [*sks[28:], "B#1"]


def test_batch_write_retries_unprocessed_writes_with_growing_pauses(table, pk, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr("clarion.dynamo.time.sleep", pauses.append)

    def throttled(body: dict[str, Any]) -> dict[str, Any]:
        return {"UnprocessedItems": body["RequestItems"]}

    with answered("BatchWriteItem", [throttled] * 3):
        requests_made = table.batch_write({"pk": pk, "sk": f"A#{n}"} for n in range(3))
    assert requests_made == 4
    assert len(list(table.partition_items(pk, prefix="A#"))) == 3
    assert len(pauses) == 3
    assert pauses == sorted(pauses) and pauses[0] < pauses[-1]


def test_batch_write_gives_up_on_writes_that_stay_unprocessed(table, pk, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr("clarion.dynamo.time.sleep", pauses.append)

    def throttled(body: dict[str, Any]) -> dict[str, Any]:
        return {"UnprocessedItems": body["RequestItems"]}

    with answered("BatchWriteItem", [throttled] * 50), pytest.raises(RuntimeError, match="2 writes"):
        table.batch_write({"pk": pk, "sk": f"A#{n}"} for n in range(2))
    assert max(pauses) <= 1.0


# transactions


def test_a_transaction_writes_every_operation(table, pk):
    table.put({"pk": pk, "sk": "OLD"})
    table.put({"pk": pk, "sk": "COUNTER", "n": 1})
    table.transact(
        [
            table.put_op({"pk": pk, "sk": "NEW"}, NEW_ITEM),
            table.update_op(pk, "COUNTER", Expression("SET n = n + :one", values={":one": 1}), "attribute_exists(pk)"),
            table.delete_op(pk, "OLD", "attribute_exists(pk)"),
        ]
    )
    assert table.get(pk, "NEW") is not None
    assert table.get(pk, "COUNTER")["n"] == 2
    assert table.get(pk, "OLD") is None


def test_a_transaction_with_a_failed_condition_writes_nothing_and_names_the_operation(table, pk):
    table.put({"pk": pk, "sk": "TAKEN"})
    operations = [
        table.put_op({"pk": pk, "sk": "NEW"}, NEW_ITEM),
        table.put_op({"pk": pk, "sk": "TAKEN", "again": True}, NEW_ITEM),
        table.delete_op(pk, "ABSENT"),
    ]
    with pytest.raises(ClientError) as raised:
        table.transact(operations)
    assert is_transaction_cancelled(raised.value)
    assert not is_condition_failed(raised.value)
    assert cancellation_reasons(raised.value) == ["None", CONDITION_FAILED, "None"]
    assert table.get(pk, "NEW") is None
    assert "again" not in table.get(pk, "TAKEN")


def test_a_delete_op_whose_condition_fails_cancels_the_transaction(table, pk):
    table.put({"pk": pk, "sk": "KEEP", "isDefault": True})
    remove = table.delete_op(pk, "KEEP", "attribute_exists(pk) AND isDefault = :false")
    remove["Delete"]["ExpressionAttributeValues"] = {":false": {"BOOL": False}}
    with pytest.raises(ClientError) as raised:
        table.transact([remove])
    assert cancellation_reasons(raised.value) == [CONDITION_FAILED]
    assert table.get(pk, "KEEP") is not None


def test_a_failed_put_condition_is_a_condition_failure_not_a_cancelled_transaction(table, pk):
    table.put({"pk": pk, "sk": "A"})
    with pytest.raises(ClientError) as raised:
        client("dynamodb").put_item(**table.put_op({"pk": pk, "sk": "A"}, NEW_ITEM)["Put"])
    assert is_condition_failed(raised.value)
    assert not is_transaction_cancelled(raised.value)
    assert cancellation_reasons(raised.value) == []


@pytest.mark.parametrize("error", [RuntimeError("boom"), ValueError(), KeyError("Error")])
def test_errors_that_are_not_from_dynamodb_are_neither_cancellations_nor_condition_failures(error):
    assert not is_transaction_cancelled(error)
    assert not is_condition_failed(error)
    assert cancellation_reasons(error) == []
