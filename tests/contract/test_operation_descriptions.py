"""Every operation of the API docs has a description (its handler's docstring) that says more than its summary, and
the API's description names every kind of operation that needs no client key."""

import re

from clarion.scopes import PUBLIC_ROUTES
from tests.contract.support.openapi import http_functions, operations


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_every_operation_has_a_description_beyond_its_summary(template):
    missing, repeating = [], []
    for app in http_functions(template).values():
        for route, operation in operations(app).items():
            description = operation.get("description") or ""
            if not description.strip():
                missing.append(route)
            elif words(description) in words(operation["summary"]):
                repeating.append(route)
    assert not missing, f"{len(missing)} operations have no description (their handler's docstring): {missing}"
    assert not repeating, f"descriptions that only repeat the summary: {repeating}"


def test_the_api_description_names_every_kind_of_public_operation():
    from local.docs import DESCRIPTION

    kinds = {"/v1/health-check": "the health check", "/v1/widgets/": "the widget API", "/oauth": "chat OAuth"}
    public = [route for route in PUBLIC_ROUTES if route != "$default"]
    assert [route for route in public if not any(path in route for path in kinds)] == []
    assert [name for name in kinds.values() if name not in DESCRIPTION] == []
