"""Lambda event payloads as AWS builds them: API Gateway HTTP API v2, its REQUEST authorizer, SQS, EventBridge."""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP request as the HTTP API sees it, with the values it derives once per request."""

    method: str
    raw_path: str
    raw_query: str
    headers: Mapping[str, str]
    """Lower-cased names, repeated headers comma-joined."""
    body: bytes | None
    source_ip: str
    protocol: str
    request_id: str
    received: datetime


def lower_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        separator = "; " if key == "cookie" else ","
        headers[key] = f"{headers[key]}{separator}{value}" if key in headers else value
    return headers


def request_id() -> str:
    """An id shaped like the ones API Gateway gives (`JKJaXmPLvHcESHA=`)."""
    return base64.b64encode(secrets.token_bytes(10)).decode()


def _query(raw_query: str) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params or None


def _cookies(headers: Mapping[str, str]) -> list[str] | None:
    cookie = headers.get("cookie")
    if not cookie:
        return None
    return [part.strip() for part in cookie.split(";") if part.strip()]


def _event_headers(request: HttpRequest, domain: str) -> dict[str, str]:
    headers = {key: value for key, value in request.headers.items() if key != "cookie"}
    headers.setdefault("host", domain)
    headers.setdefault("x-forwarded-for", request.source_ip)
    headers.setdefault("x-forwarded-proto", "http")
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(request.received.timestamp()):08x}-{uuid.uuid4().hex[:24]}")
    return headers


def _request_context(request: HttpRequest, route_key: str, api_id: str, account_id: str, domain: str) -> dict[str, Any]:
    return {
        "accountId": account_id,
        "apiId": api_id,
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": request.raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": request.headers.get("user-agent", ""),
        },
        "requestId": request.request_id,
        "routeKey": route_key,
        "stage": "$default",
        "time": request.received.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(request.received.timestamp() * 1000),
    }


def http_api_event(
    request: HttpRequest,
    *,
    route_key: str,
    path_parameters: Mapping[str, str] | None,
    api_id: str,
    account_id: str,
    domain: str,
    authorizer_context: Mapping[str, Any] | None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": _event_headers(request, domain),
        "requestContext": _request_context(request, route_key, api_id, account_id, domain),
        "isBase64Encoded": False,
    }
    _set_optional(event, "cookies", _cookies(request.headers))
    _set_optional(event, "queryStringParameters", _query(request.raw_query))
    _set_optional(event, "pathParameters", dict(path_parameters) if path_parameters else None)
    if authorizer_context is not None:
        event["requestContext"]["authorizer"] = {"lambda": dict(authorizer_context)}
    if request.body:
        try:
            event["body"] = request.body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(request.body).decode()
            event["isBase64Encoded"] = True
    return event


def authorizer_event(
    request: HttpRequest,
    *,
    route_key: str,
    route_arn: str,
    identity_source: list[str],
    path_parameters: Mapping[str, str] | None,
    api_id: str,
    account_id: str,
    domain: str,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route_arn,
        "identitySource": identity_source,
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": _event_headers(request, domain),
        "requestContext": _request_context(request, route_key, api_id, account_id, domain),
    }
    _set_optional(event, "cookies", _cookies(request.headers))
    _set_optional(event, "queryStringParameters", _query(request.raw_query))
    _set_optional(event, "pathParameters", dict(path_parameters) if path_parameters else None)
    return event


def _set_optional(event: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        event[key] = value


def sqs_event(messages: list[dict[str, Any]], source_arn: str, region: str) -> dict[str, Any]:
    """The batch a Lambda event source mapping delivers, from ReceiveMessage results (all attributes)."""
    return {"Records": [_sqs_record(message, source_arn, region) for message in messages]}


def _sqs_record(message: dict[str, Any], source_arn: str, region: str) -> dict[str, Any]:
    attributes = {
        key: value
        for key, value in message.get("Attributes", {}).items()
        if key
        in (
            "ApproximateReceiveCount",
            "SentTimestamp",
            "SenderId",
            "ApproximateFirstReceiveTimestamp",
            "SequenceNumber",
            "MessageGroupId",
            "MessageDeduplicationId",
            "DeadLetterQueueSourceArn",
            "AWSTraceHeader",
        )
    }
    message_attributes = {}
    for name, value in message.get("MessageAttributes", {}).items():
        converted: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
        if "StringValue" in value:
            converted["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
        message_attributes[name] = converted
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324
        "eventSource": "aws:sqs",
        "eventSourceARN": source_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def scheduled_event(rule_arn: str, when: datetime, account_id: str, region: str) -> dict[str, Any]:
    """What an EventBridge schedule rule delivers when its target has no Input."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }
