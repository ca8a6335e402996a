"""The request boundary of every operation of the OpenAPI document that takes a body (a new route is covered by
construction): each function's own handler gets the event API Gateway passes it, with the context the authorizer
gives a key holding every scope, and runs on the in-memory tables. Bodies a hostile or careless client sends get a 4xx
in the error shape naming the field, and nothing is read or written; never a 5xx. The same refusals through the
gateway and the authorizer, and the rate limit a refused body still pays: tests/integration/test_request_boundary.py."""

import json
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.unit.conftest import call_route, template

DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text())


def operations_with_a_body() -> list[tuple[str, str, list[str]]]:
    """(method, route path, the body's free-form fields) for every operation whose document takes a JSON body."""
    found = []
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if "requestBody" not in operation:
                continue
            schema = _resolve(operation["requestBody"]["content"]["application/json"]["schema"])
            free_form = [name for name, field in schema.get("properties", {}).items() if _is_free_form(_resolve(field))]
            found.append((method.upper(), path, free_form or ["payload"]))
    return found


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    options = [_resolve(option) for option in schema.get("anyOf", []) if option.get("type") != "null"]
    return options[0] if len(options) == 1 else schema


def _is_free_form(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" not in schema


OPERATIONS = operations_with_a_body()
IDS = [f"{method} {path}" for method, path, _ in OPERATIONS]
ROUTES = {route.route_key for route in template().routes}


def send(method: str, path: str, body: bytes | str, content_type: str | None = "application/json") -> dict[str, Any]:
    return call_route(f"{method} {path}", body, content_type)


def assert_refused(response: dict[str, Any], status: int, field: str) -> dict[str, Any]:
    assert response["statusCode"] == status, response["body"]
    body: dict[str, Any] = json.loads(response["body"])
    assert body["statusCode"] == status
    assert field in body["errors"], body
    assert body["requestId"] == response["requestId"]
    return body


def test_every_operation_with_a_body_is_covered_and_routed():
    assert len(OPERATIONS) >= 37  # the document's count when this test was written: a drop means routes went missing
    assert {f"{method} {path}" for method, path, _ in OPERATIONS} <= ROUTES


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_a_body_of_another_media_type_is_a_415(untouched, method, path, free_form, content_type):
    body = assert_refused(send(method, path, "{}", content_type), 415, "body")
    assert body["message"] == f"body: send application/json, not {content_type}"


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize(
    "content_type", ["Application/JSON", "application/merge-patch+json", "application/json; charset=utf-8", None]
)
def test_json_under_any_json_media_type_or_none_is_read_as_json(
    memory_tables, no_rate_limits, method, path, free_form, content_type
):
    as_json = send(method, path, "{}")
    response = send(method, path, "{}", content_type)
    assert response["statusCode"] < 500 and response["statusCode"] != 415, response["body"]
    assert (response["statusCode"], sorted(json.loads(response["body"] or "{}").get("errors") or {})) == (
        as_json["statusCode"],
        sorted(json.loads(as_json["body"] or "{}").get("errors") or {}),
    )


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize("nested", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000])
def test_json_nested_1000_deep_is_a_422(untouched, method, path, free_form, nested):
    body = assert_refused(send(method, path, f'{{"{free_form[0]}": {nested}}}'), 422, "body")
    assert body["errors"]["body"]["messages"] == ["nests deeper than 24 levels"]


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
def test_json_nested_past_the_limit_names_the_field_where_it_passes_it(untouched, method, path, free_form):
    nested = '{"a":' * 30 + "1" + "}" * 30
    field = free_form[0] + ".a" * 24  # the first value inside more than 24 containers
    body = assert_refused(send(method, path, f'{{"{free_form[0]}": {nested}}}'), 422, field)
    assert body["errors"][field]["messages"] == ["nests deeper than 24 levels"]


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("9" * 5000, "holds a number DynamoDB cannot store"),
        ("1e+200", "holds a number DynamoDB cannot store"),
        ("1e-200", "holds a number DynamoDB cannot store"),
        ("12345678901234567890123456789012345678901", "holds a number DynamoDB cannot store"),
        ("NaN", "holds NaN or Infinity"),
        ("Infinity", "holds NaN or Infinity"),
        ("-Infinity", "holds NaN or Infinity"),
    ],
    ids=["5000-digits", "1e+200", "1e-200", "41-digits", "NaN", "Infinity", "-Infinity"],
)
def test_a_number_dynamodb_cannot_store_is_a_422_naming_its_field(untouched, method, path, free_form, number, reason):
    for field in free_form:
        body = assert_refused(send(method, path, f'{{"{field}": {{"n": [1, {number}]}}}}'), 422, f"{field}.n[1]")
        assert body["errors"][f"{field}.n[1]"]["messages"][0].startswith(reason)
        if number[0].isdigit():
            assert number not in json.dumps(body)  # the value itself is never echoed back


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
def test_a_lone_surrogate_is_a_422_naming_its_field(untouched, method, path, free_form):
    for field in free_form:
        body = assert_refused(send(method, path, f'{{"{field}": {{"text": "a\\ud800b"}}}}'), 422, f"{field}.text")
        assert body["errors"][f"{field}.text"]["messages"] == ["is not valid Unicode (a lone surrogate)"]
    assert_refused(send(method, path, '{"\\udfff": 1}'), 422, "body")


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
def test_text_that_is_not_json_is_a_422(untouched, method, path, free_form):
    for text in (b"{not json", b'{"a": 1', b"\xff\xfe{}"):
        body = assert_refused(send(method, path, text), 422, "body")
        assert body["errors"]["body"]["messages"] == ["body is not valid JSON"]
