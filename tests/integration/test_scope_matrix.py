"""Keys with and without a route's scope, through the gateway and the authorizer: the authorizer lets a valid key
without the scope through, and the function answers the 403 naming it. A route from each function here; every route
of the template at its function's boundary: tests/unit/test_route_scopes.py."""

import re

import pytest

from clarion.scopes import FINE_SCOPES, PUBLIC_ROUTES, ROUTE_SCOPES
from local.template import load
from tests.conftest import ROOT
from tests.integration.conftest import Api

TEMPLATE_ROUTES = load(ROOT / "template.yaml").routes
ONE_A_FUNCTION = {route.function_id: route.route_key for route in TEMPLATE_ROUTES if route.route_key in ROUTE_SCOPES}
ROUTES = sorted(ONE_A_FUNCTION.values())
SAMPLE_ID = "0" * 24


def sample_path(route_key: str) -> tuple[str, str]:
    if route_key == "$default":
        return "GET", "/v1/no-such-route"
    method, path = route_key.split(" ", 1)
    return method, re.sub(r"\{\w+\}", SAMPLE_ID, path)


@pytest.fixture(scope="module")
def keys(runtime) -> dict[str, Api]:
    """For each route's scope: a key holding only that scope, and a key holding every scope but it."""
    admin_credentials = runtime.bootstrap_admin(environment_name="scope-matrix")
    admin = Api(runtime, admin_credentials.key, admin_credentials.client_id, admin_credentials.environment_id)
    made = {}
    for scope in {ROUTE_SCOPES[route] for route in ROUTES}:
        made[f"only {scope}"] = admin.client(f"only-{scope}", [scope])
        made[f"all but {scope}"] = admin.client(f"without-{scope}", sorted(FINE_SCOPES - {scope}))
    return made


@pytest.mark.parametrize("route_key", sorted(PUBLIC_ROUTES))
def test_a_public_route_reaches_its_function_without_a_key(runtime, route_key):
    method, path = sample_path(route_key)
    response = runtime.request(method, path)
    assert response.status != 500
    if method == "OPTIONS":  # a widget preflight: the widgets function answers it, with no body
        assert response.status == 204
        return
    # without a subscriber token a widget route is the widgets function's 401, in the error shape
    assert response.status != 401 or path.startswith("/v1/widgets/")
    body = response.json()
    assert "statusCode" in body or body.get("status") == "ok"  # the function answered, not the gateway


@pytest.mark.parametrize("route_key", ROUTES)
def test_a_key_without_the_routes_scope_is_refused(keys, route_key):
    method, path = sample_path(route_key)
    response = keys[f"all but {ROUTE_SCOPES[route_key]}"].call(method, path, json={})
    assert response.status == 403
    body = response.json()
    assert body["message"] == f"this key lacks the scope {ROUTE_SCOPES[route_key]}"
    assert body["errors"] == {
        "scope": {"messages": ["is not among this key's scopes"], "value": ROUTE_SCOPES[route_key]}
    }
    assert body["requestId"] == response.headers["apigw-requestid"]


@pytest.mark.parametrize("route_key", ROUTES)
def test_a_key_with_only_the_routes_scope_gets_past_the_authorizer(keys, route_key):
    method, path = sample_path(route_key)
    response = keys[f"only {ROUTE_SCOPES[route_key]}"].call(method, path, json={})
    assert response.status not in (401, 403), response.json()
    assert "statusCode" in response.json() or "data" in response.json()  # the function answered, not the gateway
