"""The request boundary through the gateway and the authorizer, one category of bad body at a time, on the routes
most clients call: a 4xx in the error shape naming the field, carrying the request id, with nothing written or sent.
Every operation of the OpenAPI document meets every category in tests/unit/test_request_boundary.py."""

import json
from typing import Any

import pytest

from tests.integration.conftest import Api, unlimited_key

ROUTES = [("POST", "/v1/subscribers", "data"), ("POST", "/v1/events/trigger", "payload")]
IDS = [f"{method} {path}" for method, path, _ in ROUTES]
BAD_BODIES = [
    ("[" * 1000 + "]" * 1000, "body", "nests deeper than 24 levels"),
    ('{"a":' * 1000 + "1" + "}" * 1000, "body", "nests deeper than 24 levels"),
    ("{not json", "body", "body is not valid JSON"),
    ('{"\\udfff": 1}', "body", None),
]

UNSTORABLE = {"5000-digits": "9" * 5000, "1e+200": "1e+200", "NaN": "NaN", "surrogate": '"a\\ud800b"'}


@pytest.fixture(scope="module")
def key(runtime) -> Api:
    return unlimited_key(runtime, "boundary")  # refused bodies cost tokens too


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


@pytest.mark.parametrize(("method", "path", "field"), ROUTES, ids=IDS)
def test_a_body_of_another_media_type_is_a_415(key, method, path, field):
    body = assert_refused(send(key, method, path, "{}", "text/plain"), 415, "body")
    assert body["message"] == "body: send application/json, not text/plain"


@pytest.mark.parametrize(("method", "path", "field"), ROUTES, ids=IDS)
@pytest.mark.parametrize("content_type", ["Application/JSON", "application/merge-patch+json", None])
def test_json_under_any_json_media_type_or_none_is_read_as_json(key, method, path, field, content_type):
    as_json = send(key, method, path, "{}")
    response = send(key, method, path, "{}", content_type)
    assert (response.status, sorted(response.json()["errors"])) == (as_json.status, sorted(as_json.json()["errors"]))
    assert response.status == 422


@pytest.mark.parametrize(("method", "path", "field"), ROUTES, ids=IDS)
@pytest.mark.parametrize(
    ("text", "named", "message"), BAD_BODIES, ids=["arrays", "objects", "not-json", "surrogate-key"]
)
def test_a_body_no_layer_can_hold_is_a_422_naming_it(key, method, path, field, text, named, message):
    body = assert_refused(send(key, method, path, text), 422, named)
    assert message is None or body["errors"][named]["messages"] == [message]


@pytest.mark.parametrize(("method", "path", "field"), ROUTES, ids=IDS)
@pytest.mark.parametrize("value", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_value_no_layer_can_store_is_a_422_naming_its_field(key, method, path, field, value):
    body = assert_refused(send(key, method, path, f'{{"{field}": {{"n": [1, {value}]}}}}'), 422, f"{field}.n[1]")
    if value[0].isdigit():
        assert value not in json.dumps(body)  # the value itself is never echoed back


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
