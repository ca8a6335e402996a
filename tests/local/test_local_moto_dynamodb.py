"""TransactWriteItems on the patched moto: all or nothing, as on DynamoDB, without copying whole tables."""

import boto3
import pytest
from botocore.exceptions import ClientError

from local.runtime import LocalRuntime
from tests.local.conftest import table_items


def put(table: str, pk: str, **extra: str) -> dict:
    return {"Put": {"TableName": table, "Item": {"pk": {"S": pk}, **{k: {"S": v} for k, v in extra.items()}}}}


def test_a_failed_condition_undoes_every_write_of_the_transaction(runtime: LocalRuntime) -> None:
    table = runtime.resources.tables["ItemsTable"]
    dynamodb = boto3.client("dynamodb")
    dynamodb.transact_write_items(TransactItems=[put(table, "tx-old", owner="before"), put(table, "tx-guard")])

    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(
            TransactItems=[
                put(table, "tx-old", owner="after"),
                put(table, "tx-new"),
                {
                    "Delete": {
                        "TableName": table,
                        "Key": {"pk": {"S": "tx-guard"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )

    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = {item["pk"]: item for item in table_items(runtime, "tx-")}
    assert set(items) == {"tx-old", "tx-guard"}
    assert items["tx-old"]["owner"] == "before"


def test_a_transaction_that_holds_is_written_whole(runtime: LocalRuntime) -> None:
    table = runtime.resources.tables["ItemsTable"]
    boto3.client("dynamodb").transact_write_items(TransactItems=[put(table, "ok-1"), put(table, "ok-2", owner="x")])
    assert [item["pk"] for item in table_items(runtime, "ok-")] == ["ok-1", "ok-2"]


def test_a_query_reads_its_partition_in_order_and_pages_as_dynamodb_does(runtime: LocalRuntime) -> None:
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName="partitions",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for pk in ("a", "b"):
        for number in (3, 1, 2):
            dynamodb.put_item(TableName="partitions", Item={"pk": {"S": pk}, "sk": {"S": f"{pk}-{number}"}})

    def query(**extra: object) -> dict:
        return dynamodb.query(
            TableName="partitions",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": "b"}},
            **extra,
        )

    first = query(Limit=2)
    rest = query(Limit=2, ExclusiveStartKey=first["LastEvaluatedKey"])
    newest = query(ScanIndexForward=False, Limit=1)

    assert [i["sk"]["S"] for i in first["Items"] + rest["Items"]] == ["b-1", "b-2", "b-3"]
    assert "LastEvaluatedKey" not in rest
    assert [i["sk"]["S"] for i in newest["Items"]] == ["b-3"]
    assert dynamodb.scan(TableName="partitions")["Count"] == 6


def test_pages_of_a_partition_follow_its_writes_in_both_directions_with_a_range_condition(
    runtime: LocalRuntime,
) -> None:
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName="members",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def put(sk: str) -> None:
        dynamodb.put_item(TableName="members", Item={"pk": {"S": "t"}, "sk": {"S": sk}})

    def pages(forward: bool) -> list[str]:
        seen, start = [], None
        while True:
            page = dynamodb.query(
                TableName="members",
                KeyConditionExpression="pk = :pk AND begins_with(sk, :sub)",
                ExpressionAttributeValues={":pk": {"S": "t"}, ":sub": {"S": "SUB#"}},
                ScanIndexForward=forward,
                Limit=2,
                **({"ExclusiveStartKey": start} if start else {}),
            )
            seen += [item["sk"]["S"] for item in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                return seen

    for sk in ("SUB#c", "META", "SUB#a", "TOPIC", "SUB#e"):
        put(sk)
    assert pages(forward=True) == ["SUB#a", "SUB#c", "SUB#e"]
    put("SUB#b")
    dynamodb.delete_item(TableName="members", Key={"pk": {"S": "t"}, "sk": {"S": "SUB#c"}})
    assert pages(forward=True) == ["SUB#a", "SUB#b", "SUB#e"]
    assert pages(forward=False) == ["SUB#e", "SUB#b", "SUB#a"]


def _update(table: str, expression: str, names: dict[str, str] | None = None) -> dict:
    return boto3.client("dynamodb").update_item(
        TableName=table,
        Key={"pk": {"S": "checked"}},
        UpdateExpression=expression,
        ExpressionAttributeValues={":one": {"N": "1"}},
        **({"ExpressionAttributeNames": names} if names else {}),
        ReturnValues="ALL_NEW",
    )


@pytest.mark.parametrize(
    ("expression", "names", "error"),
    [
        ("SET #k = :one", {"#k": "pk"}, "Cannot update attribute pk"),
        ("SET a = :one, a = :one", None, "Two document paths overlap"),
        ("SET a = :one SET b = :one", None, 'The "SET" section can only be used once'),
    ],
)
def test_an_update_expression_that_fails_its_own_checks_fails_every_time(
    runtime: LocalRuntime, expression: str, names: dict[str, str] | None, error: str
) -> None:
    """The checks that read only the expression run once per expression: a failure is never remembered as passed."""
    table = runtime.resources.tables["ItemsTable"]
    for _ in range(2):
        with pytest.raises(ClientError) as raised:
            _update(table, expression, names)
        assert raised.value.response["Error"]["Code"] == "ValidationException"
        assert error in raised.value.response["Error"]["Message"]


def test_an_expression_that_passed_with_some_names_is_checked_again_with_others(runtime: LocalRuntime) -> None:
    table = runtime.resources.tables["ItemsTable"]
    assert _update(table, "SET #k = :one", {"#k": "counter"})["Attributes"]["counter"] == {"N": "1"}
    with pytest.raises(ClientError) as raised:
        _update(table, "SET #k = :one", {"#k": "pk"})
    assert "Cannot update attribute pk" in raised.value.response["Error"]["Message"]


def test_an_expression_seen_before_still_updates_from_the_item_it_finds(runtime: LocalRuntime) -> None:
    table = runtime.resources.tables["ItemsTable"]
    counts = [_update(table, "SET n = if_not_exists(n, :one) + :one")["Attributes"]["n"]["N"] for _ in range(3)]
    assert counts == ["2", "3", "4"]


def test_an_expression_seen_before_takes_each_requests_own_names_and_values(runtime: LocalRuntime) -> None:
    """The validator fills its copy of the parse with a request's names and values; the copy comes from the parse's
    pickle, so the next request with the same expression starts from the parse itself, not from what it was given."""
    table = runtime.resources.tables["ItemsTable"]
    dynamodb = boto3.client("dynamodb")
    expression = "SET #a = :v, history = list_append(if_not_exists(history, :none), :entry)"
    for name, value in (("first", "1"), ("second", "2")):
        answer = dynamodb.update_item(
            TableName=table,
            Key={"pk": {"S": "pickled"}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#a": name},
            ExpressionAttributeValues={":v": {"S": value}, ":none": {"L": []}, ":entry": {"L": [{"S": value}]}},
            ReturnValues="ALL_NEW",
        )["Attributes"]
    assert answer == {
        "pk": {"S": "pickled"},
        "first": {"S": "1"},
        "second": {"S": "2"},
        "history": {"L": [{"S": "1"}, {"S": "2"}]},
    }
