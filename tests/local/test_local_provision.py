import json

import boto3

from local import template
from local.intrinsics import ACCOUNT_ID
from local.provision import provision
from local.runtime import LocalRuntime
from tests.local.conftest import TEMPLATE


def test_the_table_has_its_keys_gsi_and_ttl(runtime: LocalRuntime) -> None:
    dynamodb = boto3.client("dynamodb")
    name = runtime.resources.tables["ItemsTable"]

    table = dynamodb.describe_table(TableName=name)["Table"]
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]

    assert name == "clarion-local-ItemsTable"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["byOwner"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}


def test_the_queue_has_its_attributes_and_redrive_policy(runtime: LocalRuntime) -> None:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=runtime.resources.queues["WorkQueue"], AttributeNames=["All"]
    )["Attributes"]

    assert attributes["VisibilityTimeout"] == "30"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT_ID}:clarion-local-WorkDeadLetterQueue",
        "maxReceiveCount": 2,
    }


def test_rules_schedules_and_event_sources_come_from_the_translated_template(runtime: LocalRuntime) -> None:
    rule = boto3.client("events").describe_rule(Name=runtime.resources.rules["TickFunctionEveryFiveMinutes"])
    targets = boto3.client("events").list_targets_by_rule(Rule=rule["Name"])["Targets"]
    schedule = boto3.client("scheduler").get_schedule(Name=runtime.resources.schedules["TickFunctionNightly"])

    assert rule["ScheduleExpression"] == "rate(5 minutes)"
    assert targets[0]["Arn"] == runtime.stack.functions["TickFunction"].arn
    assert schedule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Paris"
    (mapping,) = runtime.stack.event_source_mappings
    assert (mapping.function_id, mapping.batch_size, mapping.report_batch_item_failures) == ("WorkerFunction", 5, True)


def test_function_environments_are_resolved_with_created_resources(runtime: LocalRuntime) -> None:
    items = runtime.stack.functions["ItemsFunction"]

    assert items.environment == {
        "STAGE": "test",
        "ITEMS_TABLE": "clarion-local-ItemsTable",
        "LOG_LEVEL": "WARNING",
        "WORK_QUEUE_URL": runtime.resources.queues["WorkQueue"],
        "JOURNEY_ARN": runtime.resources.state_machines["Journey"],
    }
    assert (items.name, items.timeout, items.memory_size) == ("clarion-local-ItemsFunction", 7, 256)
    assert runtime.stack.functions["TickFunction"].environment["LOG_LEVEL"] == "DEBUG"


def test_the_repository_template_provisions_its_tables_queues_and_functions(runtime: LocalRuntime) -> None:
    stack = provision(template.load(TEMPLATE.parents[3] / "template.yaml"))

    assert set(stack.resources.tables) >= {"ClientsTable", "SubscribersTable", "CampaignsTable", "MessagesTable"}
    assert {"EmailQueue", "EmailDeadLetterQueue", "DispatchQueue"} <= set(stack.resources.queues)
    assert stack.functions["ClientsFunction"].environment["CLIENTS_TABLE"] == stack.resources.tables["ClientsTable"]


def test_expired_items_are_deleted_when_the_clock_passes_their_ttl(runtime: LocalRuntime) -> None:
    table = boto3.resource("dynamodb").Table(runtime.resources.tables["ItemsTable"])
    expires = int(runtime.clock.time()) + 100
    table.put_item(Item={"pk": "ttl-1", "owner": "ttl", "expiresAt": expires})
    table.put_item(Item={"pk": "ttl-2", "owner": "ttl"})

    runtime.clock.advance(90)
    assert "Item" in table.get_item(Key={"pk": "ttl-1"})

    runtime.clock.advance(20)
    assert "Item" not in table.get_item(Key={"pk": "ttl-1"})
    assert "Item" in table.get_item(Key={"pk": "ttl-2"})


def test_parameters_are_typed_and_tables_can_be_read_back(runtime: LocalRuntime) -> None:
    runtime.request("PUT", "/items/scanned", {"Authorization": "allow"}, json={"owner": "scan", "expiresAt": 2**40})

    assert runtime.parameter("AuthTtl") == 60
    assert runtime.parameter("Stage") == "test"
    assert {"pk": "scanned", "owner": "scan", "expiresAt": 2**40} in runtime.scan_table("ItemsTable")
