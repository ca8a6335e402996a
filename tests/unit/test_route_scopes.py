"""Every route of the template against the scope its declaration names, at its function's boundary: a key that
lacks the scope is a 403 naming it before anything is read, and a key holding only that scope gets past the check.
The authorizer's part (it lets a valid key without the scope through) and a sample through the gateway:
tests/integration/test_scope_matrix.py."""

import json

import pytest

from clarion.principal import Principal
from clarion.scopes import FINE_SCOPES, PUBLIC_ROUTES, ROUTE_SCOPES
from tests.unit.conftest import EVERY_SCOPE, call_route, template

ROUTES = sorted({route.route_key for route in template().routes} - set(PUBLIC_ROUTES))


def holding(scopes: set[str]) -> Principal:
    return Principal(
        client_id=EVERY_SCOPE.client_id, environment_id=EVERY_SCOPE.environment_id, scopes=frozenset(scopes)
    )


def test_every_route_has_a_scope_or_is_public():
    assert ROUTES
    assert [route for route in ROUTES if route not in ROUTE_SCOPES] == []


@pytest.mark.usefixtures("untouched")
@pytest.mark.parametrize("route_key", ROUTES)
def test_a_key_without_the_routes_scope_is_a_403_naming_it(route_key):
    scope = ROUTE_SCOPES[route_key]
    answer = call_route(route_key, "{}", caller=holding(FINE_SCOPES - {scope}))
    assert answer["statusCode"] == 403, answer["body"]
    body = json.loads(answer["body"])
    assert body["message"] == f"this key lacks the scope {scope}"
    assert body["errors"] == {"scope": {"messages": ["is not among this key's scopes"], "value": scope}}
    assert body["requestId"] == answer["requestId"]


@pytest.mark.usefixtures("channel_queues", "no_rate_limits")
@pytest.mark.parametrize("route_key", ROUTES)
def test_a_key_with_only_the_routes_scope_gets_past_the_check(route_key):
    answer = call_route(route_key, "{}", caller=holding({ROUTE_SCOPES[route_key]}))
    assert answer["statusCode"] not in (401, 403), answer["body"]
    assert answer["statusCode"] < 500, answer["body"]
