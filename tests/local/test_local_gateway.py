from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.parser.models import ApiGatewayAuthorizerRequestV2, APIGatewayProxyEventV2Model

from local.runtime import LocalRuntime
from tests.local.conftest import ALLOW


@pytest.fixture
def calls(runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Every (function, event) the gateway invokes during the test; the authorizer cache starts empty."""
    runtime.reset_caches()
    recorded: list[tuple[str, Any]] = []
    invoke = runtime.registry.invoke

    def spy(logical_id: str, event: Any) -> Any:
        recorded.append((logical_id, event))
        return invoke(logical_id, event)

    monkeypatch.setattr(runtime.registry, "invoke", spy)
    return recorded


def authorizer_calls(calls: list[tuple[str, Any]]) -> list[Any]:
    return [event for function, event in calls if function == "AuthFunction"]


def test_a_missing_identity_source_is_401_without_calling_the_authorizer(runtime, calls) -> None:
    for headers in ({}, {"Authorization": ""}):
        response = runtime.request("GET", "/items/1", headers)

        assert response.status == 401
        assert response.json() == {"message": "Unauthorized"}
    assert calls == []


def test_a_denied_request_is_403(runtime, calls) -> None:
    response = runtime.request("GET", "/items/1", {"Authorization": "deny"})

    assert response.status == 403
    assert response.json() == {"message": "Forbidden"}
    assert [function for function, _ in calls] == ["AuthFunction"]


def test_an_authorizer_error_is_500(runtime, calls) -> None:
    response = runtime.request("GET", "/items/1", {"Authorization": "boom"})

    assert response.status == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_the_authorizer_gets_a_request_event_with_identity_sources_in_template_order(runtime, calls) -> None:
    runtime.request("GET", "/items/42?x=1", ALLOW)

    (event,) = authorizer_calls(calls)
    ApiGatewayAuthorizerRequestV2.model_validate(event)
    assert event["type"] == "REQUEST"
    assert event["identitySource"] == ["allow", "GET /items/{itemId}"]
    assert event["routeKey"] == "GET /items/{itemId}"
    assert event["pathParameters"] == {"itemId": "42"}
    assert event["routeArn"].endswith("/$default/GET/items/42")


def test_a_decision_is_cached_per_identity_and_route(runtime, calls) -> None:
    route_a = {"Authorization": "only:GET /items/search"}

    assert runtime.request("GET", "/items/search?q=a", route_a).status == 200
    assert runtime.request("GET", "/items/search?q=b", route_a).status == 200
    assert len(authorizer_calls(calls)) == 1

    # the same key on another route is authorized again, and denied there
    assert runtime.request("GET", "/items/1", route_a).status == 403
    assert len(authorizer_calls(calls)) == 2


def test_a_cached_decision_expires_after_reauthorize_every_on_the_runtime_clock(runtime, calls) -> None:
    runtime.request("GET", "/items/search", ALLOW)
    runtime.clock.advance(50)
    runtime.request("GET", "/items/search", ALLOW)
    assert len(authorizer_calls(calls)) == 1

    runtime.clock.advance(15)
    runtime.request("GET", "/items/search", ALLOW)
    assert len(authorizer_calls(calls)) == 2


def test_reset_caches_forgets_decisions(runtime, calls) -> None:
    runtime.request("GET", "/items/search", ALLOW)
    runtime.reset_caches()
    runtime.request("GET", "/items/search", ALLOW)

    assert len(authorizer_calls(calls)) == 2


def test_a_route_without_authorizer_skips_it(runtime, calls) -> None:
    response = runtime.request("GET", "/health")

    assert response.status == 200
    assert response.json() == {"ok": True, "stage": "test", "log_level": "WARNING"}
    assert authorizer_calls(calls) == []


def test_no_route_is_404(runtime, calls) -> None:
    for method, path in (("GET", "/nowhere"), ("DELETE", "/items/1"), ("GET", "/items/1/extra"), ("GET", "/echo")):
        response = runtime.request(method, path, ALLOW)

        assert response.status == 404, path
        assert response.json() == {"message": "Not Found"}
    assert calls == []


def test_the_most_specific_route_wins(runtime) -> None:
    assert runtime.gateway.match("GET", "/items/search")[0].route_key == "GET /items/search"
    assert runtime.gateway.match("GET", "/items/x")[0].route_key == "GET /items/{itemId}"
    route, params = runtime.gateway.match("PATCH", "/echo/a/b/c")
    assert (route.route_key, params) == ("ANY /echo/{proxy+}", {"proxy": "a/b/c"})


def test_the_integration_gets_a_v2_event_with_the_authorizer_context(runtime, calls) -> None:
    response = runtime.request(
        "POST", "/echo/a%20b/c?tag=1&tag=2", {**ALLOW, "Cookie": "s=1; t=2", "X-Id": "7"}, body="hello"
    )

    event = response.json()["event"]
    APIGatewayProxyEventV2Model.model_validate(event)
    parsed = APIGatewayProxyEventV2(event)
    assert parsed.route_key == "ANY /echo/{proxy+}"
    assert parsed.raw_path == "/echo/a b/c"
    assert parsed.path_parameters == {"proxy": "a b/c"}
    assert parsed.query_string_parameters == {"tag": "1,2"}
    assert parsed.cookies == ["s=1", "t=2"]
    assert parsed.headers["x-id"] == "7"
    assert parsed.body == "hello"
    assert parsed.request_context.http.method == "POST"
    assert parsed.request_context.authorizer.get_lambda == {"principal": "alice", "route": "ANY /echo/{proxy+}"}
    assert response.json()["context"] == {"function_name": "clarion-local-ItemsFunction", "memory": "256"}


def test_a_dynamodb_round_trip_through_the_api(runtime) -> None:
    assert runtime.request("PUT", "/items/gw-1", ALLOW, json={"owner": "gw-owner"}).status == 200
    assert runtime.request("PUT", "/items/gw-2", ALLOW, json={"owner": "gw-owner"}).status == 200

    assert runtime.request("GET", "/items/gw-1", ALLOW).json() == {
        "pk": "gw-1",
        "owner": "gw-owner",
        "principal": "alice",
    }
    assert runtime.request("GET", "/owners/gw-owner/items", ALLOW).json() == {"items": ["gw-1", "gw-2"]}
    assert runtime.request("GET", "/items/missing", ALLOW).status == 404
    assert runtime.request("PUT", "/items/gw-3", ALLOW, json={"nobody": 1}).status == 422


def test_a_response_without_status_code_is_200_json(runtime) -> None:
    as_dict = runtime.request("GET", "/echo/raw-dict", ALLOW)
    as_text = runtime.request("GET", "/echo/raw-str", ALLOW)

    assert (as_dict.status, as_dict.headers["content-type"], as_dict.json()) == (
        200,
        "application/json",
        {"hello": "world"},
    )
    assert (as_text.status, as_text.text) == (200, "plain text")


def test_a_proxy_response_maps_status_headers_cookies_and_base64_body(runtime) -> None:
    response = runtime.request("GET", "/echo/binary", ALLOW)

    assert response.status == 201
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-count"] == "2"
    assert response.cookies == ["a=1; Path=/", "b=2"]
    assert response.body == b"\x00\xffbinary"
    assert response.headers["apigw-requestid"]


def test_a_lambda_error_is_500_without_details(runtime) -> None:
    response = runtime.request("GET", "/echo/crash", ALLOW)

    assert response.status == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_a_body_over_10_mb_is_413_before_any_invocation(runtime, calls) -> None:
    response = runtime.request("POST", "/echo/big", ALLOW, body=b"x" * (10 * 1024 * 1024 + 1))

    assert response.status == 413
    assert response.json() == {"message": "Request Entity Too Large"}
    assert calls == []


def test_docs_page_uses_the_swagger_ui_files_powertools_ships(runtime) -> None:
    page = runtime.request("GET", "/docs")
    script = runtime.request("GET", "/docs/swagger-ui-bundle.min.js")
    style = runtime.request("GET", "/docs/swagger-ui.min.css")

    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/docs/swagger-ui-bundle.min.js" in page.text
    assert "https://" not in page.text
    assert script.status == 200
    assert len(script.body) > 100_000
    assert style.status == 200
    assert style.headers["content-type"].startswith("text/css")


def test_openapi_json_merges_every_http_function(runtime) -> None:
    document = runtime.request("GET", "/docs/openapi.json").json()

    assert document["info"]["title"] == "Clarion API"
    assert set(document["paths"]) == {"/health", "/items/search", "/items/{itemId}", "/owners/{ownerId}/items"}
    assert set(document["paths"]["/items/{itemId}"]) == {"get", "put"}
    assert "Item" in document["components"]["schemas"]
    # the route's security names a scheme the app left undefined: it is described from the authorizer
    assert document["components"]["securitySchemes"]["Key"]["name"] == "Authorization"
    assert document["components"]["securitySchemes"]["Key"]["in"] == "header"
    assert document["paths"]["/items/search"]["get"]["security"] == [{"Key": []}]
    assert "security" not in document["paths"]["/health"]["get"]
