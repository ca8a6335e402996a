"""The rate-limit class table covers every route of the API, and its costs and size limits name real routes."""

from clarion.limits import cost_of
from clarion.limits.routes import (
    BODY_LIMITS,
    BULK_COSTS,
    DEFAULT_BODY_LIMIT,
    KEY_CLASSES,
    ROUTE_CLASSES,
    RouteClass,
    body_limit,
)
from clarion.scopes import PUBLIC_ROUTES, ROUTE_SCOPES


def test_every_route_with_a_scope_has_exactly_one_rate_limit_class():
    keyed = {route: kind for route, kind in ROUTE_CLASSES.items() if kind in KEY_CLASSES}
    assert set(keyed) == set(ROUTE_SCOPES)
    assert set(ROUTE_CLASSES.values()) == set(RouteClass)


def test_the_public_classes_are_the_widget_routes_and_every_widget_route_but_preflights_has_one():
    public = {route for route, kind in ROUTE_CLASSES.items() if kind not in KEY_CLASSES}
    widget_routes = {route for route in PUBLIC_ROUTES if "/v1/widgets/" in route and not route.startswith("OPTIONS ")}
    assert public == widget_routes
    assert ROUTE_CLASSES["POST /v1/widgets/session/initialize"] is RouteClass.WIDGET_SESSION


def test_bulk_costs_and_body_limits_name_routes_of_the_api():
    assert set(BULK_COSTS) <= set(ROUTE_SCOPES)
    assert set(BODY_LIMITS) <= set(ROUTE_SCOPES)
    assert all(limit > DEFAULT_BODY_LIMIT for limit in BODY_LIMITS.values())


def test_triggers_are_the_trigger_class_and_reads_are_global():
    assert {route for route, scope in ROUTE_SCOPES.items() if scope == "campaign:trigger"} <= {
        route for route, kind in ROUTE_CLASSES.items() if kind is RouteClass.TRIGGER
    }
    assert all(
        kind is RouteClass.GLOBAL
        for route, kind in ROUTE_CLASSES.items()
        if route.startswith("GET ") and kind in KEY_CLASSES
    )


def test_a_bulk_call_costs_by_its_items_and_a_body_it_cannot_read_costs_one():
    assert cost_of("POST /v1/events/trigger/bulk", {"events": [{}, {}, {}]}) == 3
    assert cost_of("POST /v1/subscribers/bulk", {"subscribers": [{}] * 21}) == 3
    assert cost_of("POST /v1/subscribers/bulk", None) == 1  # the body did not parse
    assert cost_of("POST /v1/promotions/bulk", {"promotions": [{}] * 11}) == 2
    assert cost_of("POST /v1/subscribers/bulk", {"subscribers": "x"}) == 1
    assert cost_of("POST /v1/events/trigger", {"events": [{}, {}]}) == 1


def test_bulk_routes_take_larger_bodies():
    assert body_limit("POST /v1/events/trigger/bulk") == 1024 * 1024
    assert body_limit("POST /v1/subscribers") == DEFAULT_BODY_LIMIT


def test_a_clients_own_limits_travel_in_the_authorizer_context():
    from clarion.principal import Principal

    principal = Principal("c1", "e1", frozenset({"list:profile"}), (("global", 5), ("trigger", 50)))
    context = principal.as_context()
    assert context["rateLimits"] == "global=5 trigger=50"
    assert Principal.from_context(context) == principal
    assert "rateLimits" not in Principal("c1", "e1", frozenset()).as_context()
