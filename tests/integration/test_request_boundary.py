"""The request boundary, for every operation of the OpenAPI document that takes a body (a new route is covered by
construction): bodies a hostile or careless client sends get a 4xx in the error shape naming the field, before
anything is written; never a 5xx."""

import json
import re
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.integration.conftest import Api, unlimited_key

DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text())
SAMPLE_ID = "0" * 24


def operations_with_a_body() -> list[tuple[str, str, list[str]]]:
    """(method, sample path, the body's free-form fields) for every operation whose document takes a JSON body."""
    found = []
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if "requestBody" not in operation:
                continue
            schema = _resolve(operation["requestBody"]["content"]["application/json"]["schema"])
            free_form = [name for name, field in schema.get("properties", {}).items() if _is_free_form(_resolve(field))]
            found.append((method.upper(), re.sub(r"\{\w+\}", SAMPLE_ID, path), free_form or ["payload"]))
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


@pytest.fixture(scope="module")
def key(runtime) -> Api:
    return unlimited_key(runtime, "boundary")  # hundreds of bodies, and refused ones cost tokens too


def send(api: Api, method: str, path: str, body: bytes | str, content_type: str | None = "application/json") -> Any:
    headers = {"Authorization": f"Bearer {api.key}"}
    if content_type is not None:
        headers["content-type"] = content_type
    return api.runtime.request(method, path, headers, body=body)


def assert_refused(response: Any, status: int, field: str) -> dict[str, Any]:
    assert response.status == status, response.text
    body = response.json()
    assert body["statusCode"] == status
    assert field in body["errors"], body
    assert body["requestId"] == response.headers["apigw-requestid"]
    return body


def test_every_operation_with_a_body_is_covered():
    assert len(OPERATIONS) >= 37  # the document's count when this test was written: a drop means routes went missing


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_a_body_of_another_media_type_is_a_415(key, method, path, free_form, content_type):
    body = assert_refused(send(key, method, path, "{}", content_type), 415, "body")
    assert body["message"] == f"body: send application/json, not {content_type}"


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize(
    "content_type", ["Application/JSON", "application/merge-patch+json", "application/json; charset=utf-8", None]
)
def test_json_under_any_json_media_type_or_none_is_read_as_json(key, method, path, free_form, content_type):
    as_json = send(key, method, path, "{}")
    response = send(key, method, path, "{}", content_type)
    assert response.status < 500 and response.status != 415, response.text
    assert (response.status, sorted(response.json().get("errors", {}))) == (
        as_json.status,
        sorted(as_json.json().get("errors", {})),
    )


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize("nested", ["[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000])
def test_json_nested_1000_deep_is_a_422(key, method, path, free_form, nested):
    body = assert_refused(send(key, method, path, f'{{"{free_form[0]}": {nested}}}'), 422, "body")
    assert body["errors"]["body"]["messages"] == ["nests deeper than 24 levels"]


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
def test_json_nested_past_the_limit_names_the_field_where_it_passes_it(key, method, path, free_form):
    nested = '{"a":' * 30 + "1" + "}" * 30
    field = free_form[0] + ".a" * 24  # the first value inside more than 24 containers
    body = assert_refused(send(key, method, path, f'{{"{free_form[0]}": {nested}}}'), 422, field)
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
def test_a_number_dynamodb_cannot_store_is_a_422_naming_its_field(key, method, path, free_form, number, reason):
    for field in free_form:
        body = assert_refused(send(key, method, path, f'{{"{field}": {{"n": [1, {number}]}}}}'), 422, f"{field}.n[1]")
        assert body["errors"][f"{field}.n[1]"]["messages"][0].startswith(reason)
        if number[0].isdigit():
            assert number not in json.dumps(body)  # the value itself is never echoed back


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
def test_a_lone_surrogate_is_a_422_naming_its_field(key, method, path, free_form):
    for field in free_form:
        body = assert_refused(send(key, method, path, f'{{"{field}": {{"text": "a\\ud800b"}}}}'), 422, f"{field}.text")
        assert body["errors"][f"{field}.text"]["messages"] == ["is not valid Unicode (a lone surrogate)"]
    assert_refused(send(key, method, path, '{"\\udfff": 1}'), 422, "body")


@pytest.mark.parametrize(("method", "path", "free_form"), OPERATIONS, ids=IDS)
def test_text_that_is_not_json_is_a_422(key, method, path, free_form):
    for text in (b"{not json", b'{"a": 1', b"\xff\xfe{}"):
        body = assert_refused(send(key, method, path, text), 422, "body")
        assert body["errors"]["body"]["messages"] == ["body is not valid JSON"]


def test_a_refused_body_writes_nothing(admin: Api):
    response = admin.post("/v1/subscribers", {"subscriberId": "ada", "data": {"ok": 1}})
    assert response.status == 201
    for bad in ('{"subscriberId": "bea", "data": {"n": 1e+200}}', '{"subscriberId": "bea", "data": {"t": "\\ud800"}}'):
        assert_refused(send(admin, "POST", "/v1/subscribers", bad), 422, "data.n" if "n" in bad[30:] else "data.t")
    assert admin.get("/v1/subscribers/bea").status == 404
    update = send(admin, "PUT", "/v1/subscribers/ada", '{"data": {"n": NaN}}')
    assert_refused(update, 422, "data.n")
    assert admin.get("/v1/subscribers/ada").json()["data"]["data"] == {"ok": 1}


def test_a_trigger_with_an_unstorable_payload_sends_nothing(admin: Api):
    admin.post("/v1/subscribers", {"subscriberId": "ada", "email": "ada@example.com"})
    campaign = admin.post(
        "/v1/campaigns",
        {"name": "Boundary", "status": "active", "steps": [{"channel": "in_app", "content": {"body": "Hi"}}]},
    ).json()["data"]
    for field in ("payload", "overrides", "tenant", "actor"):
        bad = f'{{"name": "{campaign["identifier"]}", "to": "ada", "{field}": {{"n": 1e-200}}}}'
        assert_refused(send(admin, "POST", "/v1/events/trigger", bad), 422, f"{field}.n")
    admin.runtime.drain()
    assert admin.get("/v1/notifications").json()["data"] == []


def test_a_body_that_does_not_parse_still_costs_its_token(admin: Api):
    limited = admin.client("limited", ["create:profile"], rateLimits={"configuration": 2})
    statuses = [send(limited, "POST", "/v1/subscribers", "[" * 1000 + "]" * 1000).status for _ in range(6)]
    assert statuses[0] == 422
    assert 429 in statuses
    refused = send(limited, "POST", "/v1/subscribers", b"\xff")
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) >= 1
