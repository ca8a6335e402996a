"""Workflow bodies at the campaigns function's door: what Clarion cannot run, and what a workflow's step lacks, is
a 422 naming the field, before anything is read or written (`untouched`: there is no table to touch)."""

import json
from typing import Any

import pytest

from clarion.scopes import ROUTE_SCOPES, expand_scopes
from tests.unit.conftest import call_route

SMS = {"type": "sms", "content": "hi"}


def refusal(route_key: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = call_route(route_key, json.dumps(body))
    assert answer["statusCode"] == 422, answer
    return json.loads(answer["body"])


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ({"template": {"type": "email", "content": "<p>x</p>"}}, "steps[0].template"),
        ({"template": {"type": "push", "content": "x"}}, "steps[0].template"),
        ({"template": {"type": "sms", "content": "{{ payload.a "}}, "steps[0].template.content"),
        ({"template": {"type": "trigger", "content": "x"}}, "steps[0].template.type"),
        ({"template": {"type": "custom", "content": ""}}, "steps[0].template.type"),
        ({"template": SMS, "filters": [{"type": "GROUP", "children": []}]}, "steps[0]"),
        ({"template": SMS, "active": False}, "steps[0]"),
        ({"template": SMS, "variants": [{"name": "b"}]}, "steps[0]"),
        ({"template": {"type": "digest", "content": ""}}, "steps[0]"),
        ({"template": {"type": "delay"}, "metadata": {"type": "scheduled", "delayPath": "at"}}, "steps[0].metadata"),
        (
            {"template": {"type": "digest"}, "metadata": {"type": "backoff", "amount": 1, "unit": "hours"}},
            "steps[0].metadata",
        ),
        ({"template": {"type": "delay"}, "metadata": {"amount": 2, "unit": "years"}}, "steps[0].metadata.unit"),
        ({"template": {"type": "delay"}, "metadata": {"amount": 400, "unit": "days"}}, "steps[0].metadata"),
        ({"template": SMS | {"feedId": "abc"}}, "steps[0].template"),
        ({"template": SMS | {"colour": "red"}}, "steps[0].template.colour"),
        (
            {"template": {"type": "email", "subject": "s", "content": [{"type": "text", "content": "x"}]}},
            "steps[0].template.content",
        ),
        ({"template": {"type": "sms", "content": "{{#gt a b}}Hi{{/gt}}"}}, "steps[0].template.content"),
        ({"template": SMS, "shouldStopOnFail": True}, "steps[0]"),
        ({"template": SMS, "replyCallback": {"active": True, "url": "https://x"}}, "steps[0]"),
        ({"template": SMS | {"preheader": "p"}}, "steps[0].template"),
        ({"template": {"type": "in_app", "content": "x", "actor": {"type": "user"}}}, "steps[0].template"),
    ],
)
def test_a_step_clarion_cannot_run_is_a_422_naming_it(untouched, step, field):
    for path in ("/v1/workflows", "/v1/notification-templates"):
        body = refusal(f"POST {path}", {"name": "Orders", "steps": [step]})
        assert field in body["errors"], body["errors"]


@pytest.mark.parametrize(
    ("template", "field", "named"),
    [
        ({"type": "sms", "content": "Hi {{pluralize firstName}}"}, "steps[0].template.content", "helper 'pluralize'"),
        (
            {"type": "email", "subject": "{{#gt a b}}x{{/gt}}", "content": "x"},
            "steps[0].template.subject",
            "helper '#gt'",
        ),
        ({"type": "push", "title": "{{> header}}", "content": "x"}, "steps[0].template.title", "partials"),
        (
            {"type": "in_app", "content": "x", "cta": {"data": {"url": "/o/{{dateFormat at 'Y'}}"}}},
            "steps[0].template.cta.data.url",
            "helper 'dateFormat'",
        ),
        (
            {"type": "chat", "content": "{{#each items}}x"},
            "steps[0].template.content",
            "line 1: {{#each}} is never closed",
        ),
        ({"type": "sms", "content": "{{ ''.__class__ }}"}, "steps[0].template.content", "is not a variable path"),
    ],
)
def test_handlebars_clarion_does_not_translate_is_a_422_naming_the_field_and_what_it_uses(
    untouched, template, field, named
):
    body = refusal("POST /v1/workflows", {"name": "Orders", "steps": [{"template": template}]})
    assert named in str(body["errors"][field]), body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Orders", "steps": []}, "steps"),
        ({"name": "Orders"}, "steps"),
        ({"name": "", "steps": [{"template": SMS}]}, "name"),
        ({"name": "Orders", "steps": [{"template": SMS}], "notificationGroupId": "general"}, "notificationGroupId"),
        ({"name": "Orders", "steps": [{"template": SMS}], "blueprintId": "b1"}, "blueprintId"),
    ],
)
def test_a_workflow_body_without_what_it_needs_is_a_422_naming_the_field(untouched, body, field):
    assert field in refusal("POST /v1/workflows", body)["errors"]


def test_a_status_without_active_and_a_group_without_a_name_are_422s(untouched):
    assert "active" in refusal("PUT /v1/workflows/{templateId}/status", {})["errors"]
    assert "name" in refusal("POST /v1/notification-groups", {})["errors"]
    assert "name" in refusal("PATCH /v1/notification-groups/{id}", {"name": " "})["errors"]


WORKFLOW_PATHS = ("/v1/workflows", "/v1/notification-templates", "/v1/notification-groups")
WORKFLOW_ROUTES = [route for route in ROUTE_SCOPES if route.split(" ", 1)[1].startswith(WORKFLOW_PATHS)]


@pytest.mark.parametrize("bundle", ["emails", "push_service"])
def test_the_campaign_writing_bundles_open_every_workflow_and_group_route(bundle):
    granted = set(expand_scopes([bundle]))
    assert WORKFLOW_ROUTES and all(ROUTE_SCOPES[route] in granted for route in WORKFLOW_ROUTES)


def test_the_automation_bundle_reads_workflows_and_groups_only():
    granted = set(expand_scopes(["automation"]))
    readable = {route for route in WORKFLOW_ROUTES if ROUTE_SCOPES[route] in granted}
    assert readable == {route for route in WORKFLOW_ROUTES if route.startswith("GET ")}
