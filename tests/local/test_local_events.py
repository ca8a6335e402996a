import base64
from datetime import UTC, datetime

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2, SQSEvent
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import APIGatewayAuthorizerEventV2
from aws_lambda_powertools.utilities.parser.models import (
    ApiGatewayAuthorizerRequestV2,
    APIGatewayProxyEventV2Model,
    EventBridgeModel,
    SqsModel,
)

from local import events

RECEIVED = datetime(2026, 3, 12, 19, 3, 58, 390000, tzinfo=UTC)


def request(body: bytes | None = None, query: str = "tag=a&tag=b&q=") -> events.HttpRequest:
    headers = events.lower_headers(
        [
            ("Authorization", "Bearer sk_1"),
            ("X-Multi", "1"),
            ("x-multi", "2"),
            ("Cookie", "a=1; b=2"),
            ("User-Agent", "ua"),
        ]
    )
    return events.HttpRequest(
        method="POST",
        raw_path="/v1/clients/c 1",
        raw_query=query,
        headers=headers,
        body=body,
        source_ip="10.0.0.1",
        protocol="HTTP/1.1",
        request_id="JKJaXmPLvHcESHA=",
        received=RECEIVED,
    )


def http_event(body: bytes | None = b'{"name": "x"}', query: str = "tag=a&tag=b&q=") -> dict:
    return events.http_api_event(
        request(body, query),
        route_key="POST /v1/clients/{clientId}",
        path_parameters={"clientId": "c 1"},
        api_id="abc1234567",
        account_id="123456789012",
        domain="abc1234567.execute-api.us-east-1.amazonaws.com",
        authorizer_context={"clientId": "c1", "scopes": "a b"},
    )


def test_http_api_event_is_a_payload_v2_event() -> None:
    raw = http_event()
    APIGatewayProxyEventV2Model.model_validate(raw)
    event = APIGatewayProxyEventV2(raw)

    assert event.version == "2.0"
    assert event.route_key == "POST /v1/clients/{clientId}"
    assert event.raw_path == "/v1/clients/c 1"
    assert event.raw_query_string == "tag=a&tag=b&q="
    assert event.query_string_parameters == {"tag": "a,b", "q": ""}
    assert event.path_parameters == {"clientId": "c 1"}
    assert event.cookies == ["a=1", "b=2"]
    assert event.headers["x-multi"] == "1,2"
    assert "cookie" not in event.headers
    assert event.json_body == {"name": "x"}
    assert event.is_base64_encoded is False


def test_http_api_event_request_context() -> None:
    context = APIGatewayProxyEventV2(http_event()).request_context

    assert context.account_id == "123456789012"
    assert context.api_id == "abc1234567"
    assert context.domain_name == "abc1234567.execute-api.us-east-1.amazonaws.com"
    assert context.domain_prefix == "abc1234567"
    assert context.http.method == "POST"
    assert context.http.path == "/v1/clients/c 1"
    assert context.http.source_ip == "10.0.0.1"
    assert context.http.user_agent == "ua"
    assert context.request_id == "JKJaXmPLvHcESHA="
    assert context.route_key == "POST /v1/clients/{clientId}"
    assert context.stage == "$default"
    assert context.time == "12/Mar/2026:19:03:58 +0000"
    assert context.time_epoch == 1773342238390
    assert context.authorizer.get_lambda == {"clientId": "c1", "scopes": "a b"}


def test_http_api_event_without_body_or_query_omits_them() -> None:
    raw = http_event(body=None, query="")

    assert "body" not in raw
    assert "queryStringParameters" not in raw
    assert raw["rawQueryString"] == ""


def test_binary_body_is_base64_encoded() -> None:
    event = APIGatewayProxyEventV2(http_event(body=b"\xff\x00\x01"))

    assert event.is_base64_encoded is True
    assert base64.b64decode(event["body"]) == b"\xff\x00\x01"


def test_authorizer_event_is_a_request_authorizer_v2_event() -> None:
    raw = events.authorizer_event(
        request(),
        route_key="POST /v1/clients/{clientId}",
        route_arn="arn:aws:execute-api:us-east-1:123456789012:abc1234567/$default/POST/v1/clients/c 1",
        identity_source=["Bearer sk_1", "POST /v1/clients/{clientId}"],
        path_parameters={"clientId": "c 1"},
        api_id="abc1234567",
        account_id="123456789012",
        domain="abc1234567.execute-api.us-east-1.amazonaws.com",
    )
    ApiGatewayAuthorizerRequestV2.model_validate(raw)
    event = APIGatewayAuthorizerEventV2(raw)

    assert event.get_type == "REQUEST"
    assert event.identity_source == ["Bearer sk_1", "POST /v1/clients/{clientId}"]
    assert event.route_arn.endswith("/$default/POST/v1/clients/c 1")
    assert event.route_key == "POST /v1/clients/{clientId}"
    assert event.headers["authorization"] == "Bearer sk_1"
    assert event.path_parameters == {"clientId": "c 1"}
    assert "authorizer" not in raw["requestContext"]


def test_sqs_event_from_receive_message_results() -> None:
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": '{"x": 1}',
        "MD5OfBody": "md5",
        "Attributes": {
            "ApproximateReceiveCount": "2",
            "SentTimestamp": "1700000000000",
            "SenderId": "AID",
            "ApproximateFirstReceiveTimestamp": "1700000000001",
        },
        "MessageAttributes": {
            "kind": {"DataType": "String", "StringValue": "email"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x01"},
        },
    }
    raw = events.sqs_event([message], "arn:aws:sqs:us-east-1:123456789012:work", "us-east-1")
    SqsModel.model_validate(raw)
    record = next(SQSEvent(raw).records)

    assert record.message_id == "m1"
    assert record.receipt_handle == "r1"
    assert record.json_body == {"x": 1}
    assert record.attributes.approximate_receive_count == "2"
    assert record.message_attributes["kind"].string_value == "email"
    assert record.message_attributes["blob"].binary_value == "AQ=="
    assert record.event_source == "aws:sqs"
    assert record.event_source_arn == "arn:aws:sqs:us-east-1:123456789012:work"
    assert record.aws_region == "us-east-1"


def test_scheduled_event_is_an_eventbridge_event() -> None:
    raw = events.scheduled_event("arn:aws:events:us-east-1:123456789012:rule/r", RECEIVED, "123456789012", "us-east-1")

    model = EventBridgeModel.model_validate(raw)
    assert model.detail_type == "Scheduled Event"
    assert model.source == "aws.events"
    assert model.resources == ["arn:aws:events:us-east-1:123456789012:rule/r"]
    assert raw["time"] == "2026-03-12T19:03:58Z"
