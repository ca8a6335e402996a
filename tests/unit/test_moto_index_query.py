"""Queries on an index, Scans and projections on the patched moto (local.moto_dynamodb) answer exactly what moto's
own code answers: every page of every query and scan below is compared, item for item, with the answer of moto's
unpatched Table.query, Table.scan and Item.project on the same table, before and after each kind of write, with the
patch's partitions built before the write."""

import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table

from local import moto_dynamodb

TABLE = "indexed"
FLAT = "flat"  # a table with no range key
Query = dict[str, Any]


def _s(name: str) -> dict[str, str]:
    return {"AttributeName": name, "AttributeType": "S"}


def _key(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": n, "KeyType": kind} for n, kind in zip(names, ("HASH", "RANGE"), strict=False)]


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            AttributeDefinitions=[
                _s("pk"),
                _s("sk"),
                _s("grp"),
                {"AttributeName": "rank", "AttributeType": "N"},
                _s("tag"),
                _s("when"),
            ],
            KeySchema=_key("pk", "sk"),
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "ByRank",
                    "KeySchema": _key("grp", "rank"),
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                },
                {
                    "IndexName": "ByGroup",
                    "KeySchema": _key("grp"),
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]},
                },
                {"IndexName": "Tagged", "KeySchema": _key("tag", "when"), "Projection": {"ProjectionType": "ALL"}},
                {"IndexName": "SameHash", "KeySchema": _key("pk", "when"), "Projection": {"ProjectionType": "ALL"}},
            ],
            LocalSecondaryIndexes=[
                {"IndexName": "Local", "KeySchema": _key("pk", "rank"), "Projection": {"ProjectionType": "ALL"}}
            ],
        )
        client.create_table(
            TableName=FLAT,
            AttributeDefinitions=[_s("id"), _s("grp")],
            KeySchema=_key("id"),
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[
                {"IndexName": "ByGroup", "KeySchema": _key("grp"), "Projection": {"ProjectionType": "ALL"}}
            ],
        )
        _seed(client)
        yield client


def _item(number: int, rng: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": f"p{number % 4}"},
        "sk": {"S": f"s{number:03}"},
        "note": {"S": f"note {number}"},
        "num": {"N": str(number)},
        "doc": {"M": {"a": {"N": "1.50"}, "b": {"L": [{"S": "x"}, {"N": str(number)}]}, "c": {"SS": ["u", "v"]}}},
        "seq": {"L": [{"M": {"k": {"S": f"k{number}"}}}, {"N": "1E+2"}]},
    }
    if number % 7:  # sparse: some items are in neither ByRank nor ByGroup
        item["grp"] = {"S": rng.choice("abc")}
    if number % 5:
        item["rank"] = {"N": str(rng.randint(0, 9))}  # ties: ordered by the table keys
    if number % 3 == 0:
        item["tag"] = {"S": rng.choice(("x", "y"))}
    if number % 2 == 0:
        item["when"] = {"S": f"2026-12-{rng.randint(1, 9):02}T{number % 24:02}"}
    return item


def _seed(client: Any) -> None:
    rng = random.Random(16)
    for number in range(80):
        client.put_item(TableName=TABLE, Item=_item(number, rng))
    for number in range(30):
        client.put_item(TableName=FLAT, Item={"id": {"S": f"i{number:02}"}, "grp": {"S": rng.choice("ab")}})


def _queries() -> list[Query]:
    values = {":g": {"S": "a"}}
    by_rank = {"TableName": TABLE, "IndexName": "ByRank", "KeyConditionExpression": "grp = :g"}
    ranges = [
        ("grp = :g AND #r BETWEEN :lo AND :hi", {":lo": {"N": "2"}, ":hi": {"N": "6"}}),
        ("grp = :g AND #r < :v", {":v": {"N": "4"}}),
        ("grp = :g AND #r > :v", {":v": {"N": "4"}}),
        ("grp = :g AND #r <= :v", {":v": {"N": "4"}}),
        ("grp = :g AND #r >= :v", {":v": {"N": "4"}}),
        ("grp = :g AND #r = :v", {":v": {"N": "3"}}),
    ]
    queries: list[Query] = [by_rank | {"ExpressionAttributeValues": values}]
    queries += [
        by_rank
        | {
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#r": "rank"},
            "ExpressionAttributeValues": values | extra,
        }
        for condition, extra in ranges
    ]
    queries += [
        {
            "TableName": TABLE,
            "IndexName": "ByGroup",
            "KeyConditionExpression": "grp = :g",
            "ExpressionAttributeValues": {":g": {"S": g}},
        }
        for g in "abz"
    ]
    queries += [
        {
            "TableName": TABLE,
            "IndexName": "ByGroup",
            "KeyConditionExpression": "grp = :g",
            "FilterExpression": "num > :n",
            "ExpressionAttributeValues": {":g": {"S": "b"}, ":n": {"N": "30"}},
        },
        {
            "TableName": TABLE,
            "IndexName": "Tagged",
            "KeyConditionExpression": "tag = :t AND begins_with(#w, :d)",
            "ExpressionAttributeNames": {"#w": "when"},
            "ExpressionAttributeValues": {":t": {"S": "x"}, ":d": {"S": "2026-12-0"}},
        },
        {
            "TableName": TABLE,
            "IndexName": "Tagged",
            "KeyConditionExpression": "tag = :t",
            "ProjectionExpression": "pk, note",
            "ExpressionAttributeValues": {":t": {"S": "y"}},
        },
        {
            "TableName": TABLE,
            "IndexName": "SameHash",
            "KeyConditionExpression": "pk = :p AND #w > :d",
            "ExpressionAttributeNames": {"#w": "when"},
            "ExpressionAttributeValues": {":p": {"S": "p2"}, ":d": {"S": "2026-12-04"}},
        },
        {
            "TableName": TABLE,
            "IndexName": "Local",
            "KeyConditionExpression": "pk = :p AND #r BETWEEN :lo AND :hi",
            "ExpressionAttributeNames": {"#r": "rank"},
            "ExpressionAttributeValues": {":p": {"S": "p1"}, ":lo": {"N": "1"}, ":hi": {"N": "8"}},
        },
        {
            "TableName": FLAT,
            "IndexName": "ByGroup",
            "KeyConditionExpression": "grp = :g",
            "ExpressionAttributeValues": {":g": {"S": "a"}},
        },
    ]
    return queries


def _scans() -> list[Query]:
    projected = {"ProjectionExpression": "pk, doc.a, doc.b[1], seq[0].k, seq[1], doc.c, absent"}
    return [
        {"TableName": TABLE},
        {"TableName": TABLE, "FilterExpression": "grp = :g", "ExpressionAttributeValues": {":g": {"S": "a"}}},
        {"TableName": TABLE} | projected,
        {"TableName": TABLE, "Segment": 1, "TotalSegments": 3},
        {"TableName": FLAT},
    ]


def _pages(client: Any, query: Query, limit: int | None, forward: bool | None) -> list[dict[str, Any]]:
    pages, start = [], None
    while True:
        page = (client.query if forward is not None else client.scan)(
            **query,
            **({"ScanIndexForward": forward} if forward is not None else {}),
            **({"Limit": limit} if limit else {}),
            **({"ExclusiveStartKey": start} if start else {}),
        )
        page.pop("ResponseMetadata")
        pages.append(page)
        start = page.get("LastEvaluatedKey")
        if not start or len(pages) > 200:
            return pages


def _answers(client: Any) -> list[list[dict[str, Any]]]:
    queries = [
        _pages(client, query, limit, forward)
        for query in _queries()
        for limit in (None, 2, 5)
        for forward in (True, False)
    ]
    scans = [_pages(client, scan, limit, None) for scan in _scans() for limit in (None, 7)]
    key = {"pk": {"S": "p2"}, "sk": {"S": "s006"}}
    got = client.get_item(TableName=TABLE, Key=key, ProjectionExpression="doc.b, seq")
    return [*queries, *scans, [got["Item"]]]


def _warm(client: Any) -> None:
    """Every index partition the queries read, built by the patch (then a write must throw them away)."""
    for query in _queries():
        client.query(**query)


def _assert_same_as_moto(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    patched = _answers(client)
    with monkeypatch.context() as unpatched:
        unpatched.setattr(Table, "query", moto_dynamodb._original_query)
        unpatched.setattr(Table, "scan", moto_dynamodb._original_scan)
        unpatched.setattr(Item, "project", moto_dynamodb._original_project)
        own = _answers(client)
    assert patched == own
    assert any(page["Items"] for pages in patched for page in pages)


def _update(client: Any, number: int, expression: str, values: dict[str, Any] | None = None) -> None:
    names = {name: attribute for name, attribute in (("#r", "rank"), ("#w", "when")) if name in expression}
    client.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"p{number % 4}"}, "sk": {"S": f"s{number:03}"}},
        UpdateExpression=expression,
        **({"ExpressionAttributeNames": names} if names else {}),
        **({"ExpressionAttributeValues": values} if values else {}),
    )


def test_pages_of_every_index_query_are_moto_s_own(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same_as_moto(dynamodb, monkeypatch)


def test_after_updates_that_move_items_within_and_between_partitions(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _warm(dynamodb)  # the partitions built, then the items changed in place under them
    _update(dynamodb, 1, "SET grp = :g, #r = :r", {":g": {"S": "a"}, ":r": {"N": "0"}})
    _update(dynamodb, 2, "SET grp = :g", {":g": {"S": "c"}})
    _update(dynamodb, 3, "REMOVE grp")  # leaves the sparse indexes
    joined = {":g": {"S": "a"}, ":t": {"S": "x"}, ":w": {"S": "2026-12-05T00"}}
    _update(dynamodb, 7, "SET grp = :g, tag = :t, #w = :w", joined)  # joins them
    _update(dynamodb, 80, "SET grp = :g, #r = :r", {":g": {"S": "a"}, ":r": {"N": "5"}})  # a new item
    _assert_same_as_moto(dynamodb, monkeypatch)


def test_after_deletes_puts_and_batch_writes(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _warm(dynamodb)
    dynamodb.delete_item(TableName=TABLE, Key={"pk": {"S": "p0"}, "sk": {"S": "s004"}})
    dynamodb.put_item(TableName=TABLE, Item=_item(9, random.Random(1)) | {"grp": {"S": "a"}, "rank": {"N": "1"}})
    dynamodb.batch_write_item(
        RequestItems={
            TABLE: [
                {"DeleteRequest": {"Key": {"pk": {"S": "p1"}, "sk": {"S": "s001"}}}},
                {
                    "PutRequest": {
                        "Item": {"pk": {"S": "p9"}, "sk": {"S": "new"}, "grp": {"S": "a"}, "rank": {"N": "4"}}
                    }
                },
            ],
            FLAT: [{"PutRequest": {"Item": {"id": {"S": "i00"}, "grp": {"S": "b"}}}}],
        }
    )
    _assert_same_as_moto(dynamodb, monkeypatch)


def test_after_a_transaction_and_one_that_failed(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _warm(dynamodb)
    key = {"pk": {"S": "p2"}, "sk": {"S": "s002"}}
    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": TABLE,
                    "Item": {"pk": {"S": "p8"}, "sk": {"S": "t"}, "grp": {"S": "a"}, "rank": {"N": "2"}},
                }
            },
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": key,
                    "UpdateExpression": "SET grp = :g",
                    "ExpressionAttributeValues": {":g": {"S": "b"}},
                }
            },
            {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "p3"}, "sk": {"S": "s003"}}}},
        ]
    )
    _warm(dynamodb)
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": key,
                        "UpdateExpression": "SET grp = :g",
                        "ExpressionAttributeValues": {":g": {"S": "c"}},
                    }
                },
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {"pk": {"S": "p8"}, "sk": {"S": "t"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    _assert_same_as_moto(dynamodb, monkeypatch)


def test_a_page_reads_the_partition_not_the_table(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once its partitions are built, an index query lists no more than the page (Limit + 1) to moto."""
    listed: list[int] = []
    original = moto_dynamodb._original_query

    def counting(self: Table, *args: Any, **kwargs: Any) -> Any:
        listed.append(len(self.all_items()))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(moto_dynamodb, "_original_query", counting)
    pages = _pages(dynamodb, _queries()[0], 2, True)
    assert len(pages) > 3
    assert max(listed) == 3


def test_a_scan_page_does_not_sort_the_table_again(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table's items are sorted once per version of it, then each page starts where the last one stopped."""

    def refused(self: Table) -> Any:
        raise AssertionError("moto sorted the whole table")

    monkeypatch.setattr(moto_dynamodb, "_original_all_items", refused)
    pages = _pages(dynamodb, {"TableName": TABLE}, 7, None)
    assert len(pages) > 10
    assert sum(page["Count"] for page in pages) == 80
