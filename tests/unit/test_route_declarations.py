"""A route declares its scope and rate-limit class, or that it is public and what authenticates its caller."""

import pytest
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import RouteDeclaration, declared_routes, default_route, endpoint
from clarion.limits import RouteClass
from local.route_table import render


def test_a_router_keeps_its_declarations_in_order():
    router = APIGatewayHttpRouter()
    endpoint(router, "GET /v1/things", scope="list:thing", rate=RouteClass.GLOBAL, summary="List")(lambda: None)
    endpoint(router, "GET /v1/open", scope=None, public="nothing: it says hello", summary="Hello")(lambda: None)
    default_route(router, public="nothing: the catch-all")

    assert declared_routes(router) == [
        RouteDeclaration("GET /v1/things", "list:thing", RouteClass.GLOBAL),
        RouteDeclaration("GET /v1/open", None, None, "nothing: it says hello"),
        RouteDeclaration("$default", None, None, "nothing: the catch-all"),
    ]
    assert declared_routes(APIGatewayHttpRouter()) == []


@pytest.mark.parametrize(
    ("scope", "rate", "public"),
    [
        ("list:thing", None, None),  # a scope without a class
        (None, None, None),  # neither a scope nor what authenticates the caller
        ("list:thing", RouteClass.GLOBAL, "nothing"),  # both
        (None, RouteClass.GLOBAL, "nothing"),  # a class for a route no key calls
    ],
)
def test_a_route_is_either_scoped_with_a_class_or_public_with_its_reason(scope, rate, public):
    with pytest.raises(TypeError, match="GET /v1/things"):
        endpoint(APIGatewayHttpRouter(), "GET /v1/things", scope=scope, rate=rate, public=public, summary="List")


def test_the_table_has_each_scoped_route_in_both_tables_and_each_public_one_with_its_reason():
    declared = {
        "things.thing_routes": [
            RouteDeclaration("GET /v1/things", "list:thing", RouteClass.GLOBAL),
            RouteDeclaration("GET /v1/open", None, None, "nothing"),
        ]
    }
    namespace: dict[str, object] = {}
    exec(render(declared), namespace)

    assert namespace["ROUTE_SCOPES"] == {"GET /v1/things": "list:thing"}
    assert namespace["ROUTE_CLASSES"] == {"GET /v1/things": "global"}
    assert namespace["PUBLIC_ROUTES"] == {"GET /v1/open": "nothing"}


def test_a_route_declared_by_two_modules_is_refused_naming_both():
    route = RouteDeclaration("GET /v1/things", "list:thing", RouteClass.GLOBAL)

    with pytest.raises(ValueError, match=r"GET /v1/things is declared by a.a_routes and by b.b_routes"):
        render({"a.a_routes": [route], "b.b_routes": [route]})
