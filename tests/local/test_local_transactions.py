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
