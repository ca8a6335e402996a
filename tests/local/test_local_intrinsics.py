from typing import Any

import pytest

from local.intrinsics import ACCOUNT_ID, Resolver, api_id

DOCUMENT: dict[str, Any] = {
    "Parameters": {
        "Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
        "Ttl": {"Type": "Number", "Default": 30},
        "Zones": {"Type": "CommaDelimitedList", "Default": "a, b"},
    },
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": ["x", "x"]}]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]},
    },
    "Resources": {
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
        "Named": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": {"Fn::Sub": "${AWS::StackName}-named"}}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Fifo": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {}},
        "Function": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Schedule": {"Type": "AWS::Scheduler::Schedule", "Properties": {"GroupName": "jobs"}},
        "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {}},
    },
}


def resolver(**overrides: Any) -> Resolver:
    return Resolver(DOCUMENT, overrides)


def test_ref_gives_parameters_with_defaults_and_overrides_as_text() -> None:
    assert resolver().resolve({"Ref": "Stage"}) == "dev"
    assert resolver(Stage="prod").resolve({"Ref": "Stage"}) == "prod"
    assert resolver().resolve({"Ref": "Ttl"}) == "30"
    assert resolver().resolve({"Ref": "Zones"}) == ["a", "b"]


def test_parameter_overrides_are_validated() -> None:
    with pytest.raises(ValueError, match="not one of"):
        resolver(Stage="qa")
    with pytest.raises(ValueError, match="Unknown template parameters"):
        resolver(Nope="x")


def test_ref_gives_pseudo_parameters() -> None:
    values = resolver().resolve(
        [{"Ref": name} for name in ("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::URLSuffix")]
    )

    assert values == ["us-east-1", ACCOUNT_ID, "aws", "amazonaws.com"]


def test_ref_gives_what_cloudformation_gives_per_resource_type() -> None:
    r = resolver()

    assert r.resolve({"Ref": "Table"}) == "clarion-local-Table"
    assert r.resolve({"Ref": "Named"}) == "clarion-local-named"
    assert r.resolve({"Ref": "Queue"}) == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT_ID}/clarion-local-Queue"
    assert r.resolve({"Ref": "Fifo"}).endswith("/clarion-local-Fifo.fifo")
    assert r.resolve({"Ref": "Topic"}) == f"arn:aws:sns:us-east-1:{ACCOUNT_ID}:clarion-local-Topic"
    assert r.resolve({"Ref": "Machine"}) == f"arn:aws:states:us-east-1:{ACCOUNT_ID}:stateMachine:clarion-local-Machine"
    assert r.resolve({"Ref": "Function"}) == "clarion-local-Function"
    assert r.resolve({"Ref": "Api"}) == api_id("Api")


def test_known_values_from_created_resources_win() -> None:
    r = resolver()
    r.known[("Queue", "Ref")] = "http://127.0.0.1:5000/123456789012/clarion-local-Queue"

    assert r.resolve({"Ref": "Queue"}) == "http://127.0.0.1:5000/123456789012/clarion-local-Queue"


def test_get_att_gives_arns_names_and_urls() -> None:
    r = resolver()

    assert (
        r.resolve({"Fn::GetAtt": ["Table", "Arn"]})
        == f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/clarion-local-Table"
    )
    assert r.resolve({"Fn::GetAtt": "Table.StreamArn"}).startswith(
        r.resolve({"Fn::GetAtt": ["Table", "Arn"]}) + "/stream/"
    )
    assert r.resolve({"Fn::GetAtt": ["Queue", "QueueName"]}) == "clarion-local-Queue"
    assert r.resolve({"Fn::GetAtt": ["Queue", "QueueUrl"]}) == r.resolve({"Ref": "Queue"})
    assert r.resolve({"Fn::GetAtt": ["Machine", "Name"]}) == "clarion-local-Machine"
    assert r.resolve({"Fn::GetAtt": ["Function", "Arn"]}).endswith(":function:clarion-local-Function")
    assert r.resolve({"Fn::GetAtt": ["Schedule", "Arn"]}).endswith(":schedule/jobs/clarion-local-Schedule")


def test_sub_in_both_forms() -> None:
    r = resolver()

    assert r.resolve({"Fn::Sub": "${AWS::StackName}-${Stage}-${!Literal}"}) == "clarion-local-dev-${Literal}"
    assert r.resolve({"Fn::Sub": "${Queue.Arn}"}).endswith(":sqs:us-east-1:123456789012:clarion-local-Queue")
    assert r.resolve({"Fn::Sub": ["${Name}/${Table}", {"Name": {"Ref": "Stage"}}]}) == "dev/clarion-local-Table"


def test_conditions_and_if() -> None:
    assert resolver().resolve({"Fn::If": ["IsProd", "INFO", "DEBUG"]}) == "DEBUG"
    assert resolver(Stage="prod").resolve({"Fn::If": ["IsProd", "INFO", "DEBUG"]}) == "INFO"
    assert resolver().condition("Both") is True
    assert resolver(Stage="prod").condition("Both") is False
    assert resolver(Stage="prod").condition("Either") is True


def test_join_select_split() -> None:
    r = resolver()

    assert r.resolve({"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}) == "a-dev"
    assert r.resolve({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}) == "y"


def test_no_value_removes_the_property_or_list_item() -> None:
    r = resolver()
    no_value = {"Fn::If": ["IsProd", "kept", {"Ref": "AWS::NoValue"}]}

    assert r.resolve({"A": no_value, "B": 1}) == {"B": 1}
    assert r.resolve(["x", no_value]) == ["x"]


def test_resources_whose_condition_is_false_are_disabled() -> None:
    document = {**DOCUMENT, "Resources": {"Only": {"Type": "AWS::SNS::Topic", "Condition": "IsProd"}}}

    assert Resolver(document).is_enabled("Only") is False
    assert Resolver(document, {"Stage": "prod"}).is_enabled("Only") is True
