"""Every operation of the API docs has a description (its handler's docstring) that says more than its summary."""

import re

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
