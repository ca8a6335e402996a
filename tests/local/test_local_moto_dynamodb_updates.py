"""local.moto_dynamodb_updates: the same requests answered the same by moto with and without its patches (item
sizes, UpdateItem's copies, expression walks, request parsing), errors, stream records and stored items included."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from local import moto_dynamodb, moto_dynamodb_updates

Scenario = Callable[[Any, Any], list[Any]]
TABLE = "updates"
BIG = "x" * 150_000


@contextmanager
def patched(on: bool) -> Iterator[None]:
    moto_dynamodb.install()
    if not on:
        moto_dynamodb_updates.uninstall()
    try:
        yield
    finally:
        moto_dynamodb_updates.install()


def outcomes(scenario: Scenario, *, stream: bool = False) -> list[Any]:
    """What the scenario's requests answer (or raise), then every stored item and, with `stream`, the stream's
    records."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        extra: dict[str, Any] = {}
        if stream:
            extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            **extra,
        )
        answers = scenario(dynamodb, _answer)
        answers.append(sorted(dynamodb.scan(TableName=TABLE)["Items"], key=lambda item: item["pk"]["S"]))
        if stream:
            answers.append(_stream_records())
        return answers


def _answer(call: Callable[..., dict[str, Any]], **params: Any) -> Any:
    try:
        answer = call(**params)
    except ClientError as error:
        return {"error": error.response["Error"], "item": error.response.get("Item")}
    answer.pop("ResponseMetadata", None)
    return answer


def _stream_records() -> list[Any]:
    """The table's stream as moto holds it (its DynamoDB Streams API is not served in-process)."""
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(TABLE)
    records = [entry.record for entry in table.stream_shard.items]
    return [(r["eventName"], r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage")) for r in records]


def record(pk: str) -> dict[str, Any]:
    """An item shaped as a delivery record: scalars, nested maps, a list of maps, a set, a null, a flag."""
    return {
        "pk": {"S": pk},
        "status": {"S": "queued"},
        "attempts": {"N": "0"},
        "to": {"M": {"email": {"S": f"{pk}@example.com"}, "name": {"NULL": True}}},
        "content": {"M": {"subject": {"S": "Issue 7"}, "html": {"S": "<p>Hello</p>"}, "tags": {"SS": ["a", "b"]}}},
        "history": {"L": [{"M": {"status": {"S": "queued"}, "at": {"S": "2026-12-07T00:00:00.000Z"}}}]},
        "urgent": {"BOOL": False},
        "score": {"NS": ["1", "2.5"]},
        "raw": {"B": b"\x00\x01"},
    }


def claim(pk: str, returns: str, **extra: Any) -> dict[str, Any]:
    """The engine's claim: six SET actions, one appending to a list, on a condition."""
    return {
        "TableName": TABLE,
        "Key": {"pk": {"S": pk}},
        "UpdateExpression": "SET #status = :status, updatedAt = :now, history = list_append(history, :entry), "
        "attempts = attempts + :one, sendingKey = :key, claimedAt = :now",
        "ConditionExpression": "#status = :queued",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":status": {"S": "sending"},
            ":queued": {"S": "queued"},
            ":now": {"S": "2026-12-07T00:00:01.000Z"},
            ":entry": {"L": [{"M": {"status": {"S": "sending"}, "at": {"S": "2026-12-07T00:00:01.000Z"}}}]},
            ":one": {"N": "1"},
            ":key": {"S": "SENDING#1"},
        },
        "ReturnValues": returns,
        **extra,
    }


def _updates(dynamodb: Any, answer: Callable[..., Any]) -> list[Any]:
    answers = []
    for returns in ("NONE", "ALL_NEW", "ALL_OLD", "UPDATED_OLD", "UPDATED_NEW"):
        pk = f"r-{returns}"
        answers.append(answer(dynamodb.put_item, TableName=TABLE, Item=record(pk)))
        answers.append(answer(dynamodb.update_item, **claim(pk, returns)))
        on_failure = {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
        answers.append(answer(dynamodb.update_item, **claim(pk, returns, **on_failure)))
    answers.append(answer(dynamodb.update_item, **claim("r-missing", "ALL_NEW")))  # no item: the condition fails
    answers.append(  # no condition: the update creates the item
        answer(
            dynamodb.update_item,
            TableName=TABLE,
            Key={"pk": {"S": "r-new"}},
            UpdateExpression="SET content.subject = :s ADD tags :t REMOVE nothing",
            ExpressionAttributeValues={":s": {"S": "x"}, ":t": {"SS": ["a"]}},
            ReturnValues="ALL_NEW",
        )
    )
    answers.append(
        answer(
            dynamodb.update_item,
            TableName=TABLE,
            Key={"pk": {"S": "r-ALL_NEW"}},
            UpdateExpression="SET content.subject = :s, to.#n = :n ADD score :more DELETE content.tags :a REMOVE raw",
            ExpressionAttributeNames={"#n": "name"},
            ExpressionAttributeValues={
                ":s": {"S": "Issue 8"},
                ":n": {"S": "Ada"},
                ":more": {"NS": ["3"]},
                ":a": {"SS": ["a"]},
            },
            ReturnValues="UPDATED_NEW",
        )
    )
    answers.append(answer(dynamodb.update_item, **claim("r-NONE", "WRONG")))
    answers += [answer(dynamodb.get_item, TableName=TABLE, Key={"pk": {"S": f"r-{r}"}}) for r in ("NONE", "new")]
    return answers


def _sizes(dynamodb: Any, answer: Callable[..., Any]) -> list[Any]:
    """Updates near the 400 KB limit: moto counts the item as it was plus the value set (the replaced value too)."""

    def set_big(pk: str, names: list[str], size: int) -> Any:
        values = {f":v{n}": {"S": "y" * size} for n in range(len(names))}
        sets = ", ".join(f"{name} = :v{n}" for n, name in enumerate(names))
        return answer(
            dynamodb.update_item,
            TableName=TABLE,
            Key={"pk": {"S": pk}},
            UpdateExpression=f"SET {sets}",
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )

    big = {"pk": {"S": "big"}, "a": {"S": BIG}, "m": {"M": {"b": {"S": BIG}, "l": {"L": [{"S": "z"}, {"N": "7"}]}}}}
    answers = [answer(dynamodb.put_item, TableName=TABLE, Item=big)]
    answers.append(set_big("big", ["a"], 110_000))  # would fit once replaced; counted with the old value: refused
    answers.append(set_big("big", ["a"], 100_000))  # fits counted with the old value too
    answers.append(set_big("big", ["c", "d"], 80_000))  # the first action fits, the second crosses the limit
    answers.append(answer(dynamodb.put_item, TableName=TABLE, Item=big | {"c": {"S": BIG}}))  # too large whole
    return [summary(a) for a in answers]


def summary(answer: Any) -> Any:
    """An answer with long strings cut to their length, for a readable failure."""
    if isinstance(answer, dict):
        return {k: summary(v) for k, v in answer.items()}
    if isinstance(answer, list):
        return [summary(v) for v in answer]
    return f"<{len(answer)} chars>" if isinstance(answer, str) and len(answer) > 100 else answer


def _requests(dynamodb: Any, answer: Callable[..., Any]) -> list[Any]:
    """Attribute values of every type in items, keys, batches and expression values, odd shapes included."""
    items = [record(f"q-{n}") for n in range(3)]
    answers = [answer(dynamodb.batch_write_item, RequestItems={TABLE: [{"PutRequest": {"Item": i}} for i in items]})]
    keys = [{"pk": {"S": f"q-{n}"}} for n in range(4)]
    answers.append(answer(dynamodb.batch_get_item, RequestItems={TABLE: {"Keys": keys}}))
    answers.append(
        answer(
            dynamodb.put_item,
            TableName=TABLE,
            Item={"pk": {"S": "q-odd"}, "empty": {"L": []}, "bytes": {"BS": [b"a", b"b"]}, "nested": {"M": {}}},
        )
    )
    answers.append(answer(dynamodb.put_item, TableName=TABLE, Item={"pk": {"S": "q-two"}, "n": {"N": "1", "S": "1"}}))
    answers.append(answer(dynamodb.put_item, TableName=TABLE, Item={"pk": {"S": "q-num"}, "n": {"N": "x"}}))
    answers.append(
        answer(
            dynamodb.query,
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": "q-1"}},
        )
    )
    return answers


@pytest.mark.parametrize("scenario", [_updates, _sizes, _requests], ids=["updates", "sizes", "requests"])
def test_the_patches_answer_as_moto_does(scenario: Scenario) -> None:
    with patched(on=False):
        expected = outcomes(scenario)
    with patched(on=True):
        assert outcomes(scenario) == expected


def test_a_table_with_a_stream_gets_the_same_records() -> None:
    with patched(on=False):
        expected = outcomes(_updates, stream=True)
    with patched(on=True):
        assert outcomes(_updates, stream=True) == expected


def test_the_sizes_scenario_reaches_the_limit() -> None:
    """The sizes scenario is worth comparing: moto refuses some of its updates."""
    with patched(on=True):
        answers = outcomes(_sizes)
    refused = [a for a in answers[:-1] if "error" in a]
    assert len(refused) == 3, answers
