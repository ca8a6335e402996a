"""The tenants function's requests and the trigger's `tenant`, validated before anything is read or written: each bad
field is a 422 naming it (the `untouched` AWS has no table, so any read or write would be a 5xx)."""

import json
from typing import Any

import pytest

from tests.unit.conftest import call_route

BIG_DATA = {"text": "x" * 17_000}


def refused_fields(route_key: str, body: Any) -> list[str]:
    answer = call_route(route_key, json.dumps(body))
    assert answer["statusCode"] == 422, answer["body"]
    return list(json.loads(answer["body"])["errors"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Acme"}, "identifier"),
        ({"identifier": "acme"}, "name"),
        ({"identifier": "has space", "name": "Acme"}, "identifier"),
        ({"identifier": "a/b", "name": "Acme"}, "identifier"),
        ({"identifier": "a#b", "name": "Acme"}, "identifier"),
        ({"identifier": "a\\b", "name": "Acme"}, "identifier"),
        ({"identifier": "x" * 129, "name": "Acme"}, "identifier"),
        ({"identifier": "acme", "name": ""}, "name"),
        ({"identifier": "acme", "name": "Acme", "data": ["not", "an", "object"]}, "data"),
        ({"identifier": "acme", "name": "Acme", "data": BIG_DATA}, "data"),
        ({"identifier": "acme", "name": "Acme", "plan": "pro"}, "plan"),
    ],
)
def test_a_bad_tenant_is_refused_naming_the_field(untouched, body: dict[str, Any], field: str):
    assert field in refused_fields("POST /v1/tenants", body)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"identifier": "new id"}, "identifier"), ({"data": "text"}, "data"), ({"name": "x" * 101}, "name")],
)
def test_a_bad_tenant_update_is_refused_naming_the_field(untouched, body: dict[str, Any], field: str):
    assert field in refused_fields("PATCH /v1/tenants/{identifier}", body)


OVERRIDE = {"workflowId": "a" * 24, "tenantId": "b" * 24}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tenantId": "b" * 24}, "workflowId"),
        (OVERRIDE | {"tenantId": "acme"}, "tenantId"),
        (OVERRIDE | {"active": "maybe"}, "active"),
        (OVERRIDE | {"preferenceSettings": {"email": "maybe"}}, "preferenceSettings.email"),
        (OVERRIDE | {"preferenceSettings": {"fax": False}}, "preferenceSettings.fax"),
    ],
)
def test_a_bad_workflow_override_is_refused_naming_the_field(untouched, body: dict[str, Any], field: str):
    assert field in refused_fields("POST /v1/workflow-overrides", body)


def test_a_bad_workflow_override_update_is_refused_naming_the_field(untouched):
    fields = refused_fields("PUT /v1/workflow-overrides/{overrideId}", {"preferenceSettings": {"sms": 3}})
    assert fields == ["preferenceSettings.sms"]


@pytest.mark.parametrize(
    ("tenant", "field"),
    [
        ("has space", "tenant"),
        ({"name": "Acme"}, "tenant.identifier"),
        ({"identifier": "acme", "data": "text"}, "tenant.data"),
        ({"identifier": "acme", "data": BIG_DATA}, "tenant.data"),
    ],
)
def test_a_triggers_bad_tenant_is_refused_naming_it(untouched, tenant: Any, field: str):
    assert refused_fields("POST /v1/events/trigger", {"name": "welcome", "to": "ada", "tenant": tenant}) == [field]
