"""Errors a user can follow, through the local gateway: every error names its request id, the same id is in that
request's log lines under the function that served it; a wrong method is a 405 with Allow; the health route
answers load balancers; every sender logs as its own service."""

import json
from typing import Any

import pytest
from moto.dynamodb.exceptions import ResourceNotFoundException
from moto.dynamodb.models import DynamoDBBackend

from tests.integration.conftest import Api
from tests.integration.support.campaigns import campaign, trigger_event
from tests.integration.support.delivery import new_phone


def log_lines(output: str) -> list[dict[str, Any]]:
    """The JSON log lines Powertools printed, in order."""
    return [json.loads(line) for line in output.splitlines() if line.startswith('{"level"')]


def test_an_errors_request_id_is_the_gateways_and_is_in_that_requests_log_lines(admin: Api, function_logs):
    response = admin.runtime.request(
        "POST", "/v1/subscribers", {"Authorization": f"Bearer {admin.key}", "content-type": "text/plain"}, body="{}"
    )
    assert response.status == 415
    request_id = response.json()["requestId"]
    assert request_id and request_id == response.headers["apigw-requestid"]
    lines = [line for line in log_lines(function_logs.getvalue()) if line.get("correlation_id") == request_id]
    by_service = {line["service"]: line for line in lines}
    assert set(by_service) == {"authorizer", "subscribers"}
    assert by_service["subscribers"]["function_name"] == "clarion-local-SubscribersFunction"
    assert by_service["subscribers"]["message"] == "request refused"
    assert by_service["subscribers"]["status"] == 415
    assert by_service["authorizer"]["function_name"] == "clarion-local-AuthorizerFunction"


def test_each_request_gets_its_own_id(admin: Api):
    ids = {admin.get("/v1/subscribers/nobody").json()["requestId"] for _ in range(5)}
    assert len(ids) == 5


def test_a_domain_error_and_a_validation_error_carry_the_request_id(admin: Api):
    for response in (admin.get("/v1/subscribers/nobody"), admin.post("/v1/subscribers", {"email": 3})):
        assert response.status in (404, 422)
        assert response.json()["requestId"] == response.headers["apigw-requestid"]


def test_a_key_without_the_routes_scope_is_told_which_scope_it_lacks(admin: Api):
    reader = admin.client("reader", ["info:profile"])
    response = reader.post("/v1/subscribers", {"subscriberId": "ada"})
    assert response.status == 403
    body = response.json()
    assert body["message"] == "this key lacks the scope create:profile"
    assert body["errors"] == {"scope": {"messages": ["is not among this key's scopes"], "value": "create:profile"}}
    assert reader.get("/v1/subscribers/ada").status == 404  # nothing was written


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/v1/health-check", "GET"),
        ("PATCH", "/v1/subscribers", "GET, POST"),
        ("POST", "/v1/subscribers/ada", "DELETE, GET, PUT"),
    ],
)
def test_a_wrong_method_on_a_known_path_is_a_405_with_allow(admin: Api, method, path, allow):
    response = admin.call(method, path)
    assert response.status == 405, response.text
    assert response.headers["allow"] == allow
    body = response.json()
    assert body["message"] == f"{method} is not allowed here; use {allow}"
    assert body["requestId"] == response.headers["apigw-requestid"]


def test_an_unknown_path_is_a_404_in_the_error_shape(admin: Api):
    response = admin.get("/v1/no-such-thing")
    assert response.status == 404
    assert response.json()["message"] == "no such route"
    assert "allow" not in response.headers


def test_the_health_check_needs_no_key_and_answers_in_novus_shape(admin: Api):
    response = admin.runtime.request("GET", "/v1/health-check", {})
    assert response.status == 200
    assert response.json() == {
        "status": "ok",
        "info": {"db": {"status": "up"}},
        "error": {},
        "details": {"db": {"status": "up"}},
    }


def test_the_health_check_is_a_503_when_the_table_does_not_answer(admin: Api, monkeypatch):
    get_item = DynamoDBBackend.get_item

    def missing_table(backend: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        if "Clients" in table_name:
            raise ResourceNotFoundException
        return get_item(backend, table_name, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "get_item", missing_table)
    response = admin.runtime.request("GET", "/v1/health-check", {})
    assert response.status == 503
    assert response.json()["error"] == {"db": {"status": "down"}}
    assert response.json()["status"] == "error"


def test_every_sender_logs_as_its_own_service(admin: Api, function_logs):
    phone = new_phone()
    admin.post("/v1/subscribers", {"subscriberId": "ada", "email": "ada@example.com", "phone": phone})
    sent = campaign(
        admin,
        {"channel": "email", "content": {"subject": "Hi", "body": "<p>Hi</p>"}},
        {"channel": "sms", "content": {"body": "Hi"}},
        {"channel": "in_app", "content": {"body": "Hi"}},
    )
    assert trigger_event(admin, sent["identifier"], "ada").status == 201
    admin.runtime.drain()
    sent_lines = [line for line in log_lines(function_logs.getvalue()) if line["message"] == "message sent"]
    services = {line["function_name"].removeprefix("clarion-local-"): line["service"] for line in sent_lines}
    assert services == {
        "EmailSenderFunction": "email-sender",
        "SmsSenderFunction": "sms-sender",
        "InAppSenderFunction": "in-app-sender",
    }
