"""Each function's OpenAPI (generated from its code) serves exactly its template routes, each secured by its scope."""

import importlib
import re
from typing import Any

from clarion.api import openapi_document
from clarion.scopes import PUBLIC_ROUTES, ROUTE_SCOPES
from tests.contract.support.template import TEMPLATE, http_routes, resources_of

METHODS = ("get", "put", "post", "delete", "patch", "options")


def http_functions(template: dict[str, Any]) -> dict[str, Any]:
    """Logical id → the handler module's resolver, for every function with HttpApi routes."""
    functions = resources_of(template, "AWS::Serverless::Function")
    with_routes = set(http_routes(template).values())
    return {
        name: importlib.import_module(functions[name]["Properties"]["Handler"].rsplit(".", 1)[0]).app
        for name in with_routes
    }


def operations(app: Any) -> dict[str, dict[str, Any]]:
    schema = openapi_document(app, "test")
    found = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                found[f"{method.upper()} {path}"] = item[method]
    return found


def test_each_function_serves_exactly_the_routes_the_template_sends_it(template):
    routes = http_routes(template)
    for name, app in http_functions(template).items():
        expected = {route for route, function in routes.items() if function == name and route != "$default"}
        assert set(operations(app)) == expected, name


def test_every_operation_is_secured_by_the_scope_of_its_route(template):
    for app in http_functions(template).values():
        for route, operation in operations(app).items():
            expected = [] if route in PUBLIC_ROUTES else [{"clientKey": [ROUTE_SCOPES[route]]}]
            assert operation.get("security", []) == expected, route


def test_every_operation_documents_its_errors(template):
    for app in http_functions(template).values():
        for route, operation in operations(app).items():
            expected = {"403", "422"} if route in PUBLIC_ROUTES else {"401", "403", "422"}
            assert expected <= set(map(str, operation["responses"])), route
            assert re.fullmatch(r"\S.*", operation["summary"]), route


def test_the_published_openapi_document_matches_the_code():
    import json

    from local.openapi import build

    published = json.loads((TEMPLATE.parent / "docs" / "openapi.json").read_text())
    assert published == build(TEMPLATE), "docs/openapi.json is stale: run `make openapi`"
