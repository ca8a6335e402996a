"""Each HTTP function's OpenAPI operations, generated from its code, as the contract tests read them."""

import importlib
from typing import Any

from clarion.api import openapi_document
from tests.contract.support.template import http_routes, resources_of

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
