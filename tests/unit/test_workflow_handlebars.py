"""A workflow's Handlebars on the in-memory store: saved as its campaign's Jinja, read back as written, its trigger
variables the bare payload names, previewed with the values; a campaign change through /v1/campaigns reads as Jinja."""

import uuid
from typing import Any

import pytest

from clarion.campaigns import service, workflows
from clarion.campaigns.models import UpdateCampaignRequest
from clarion.campaigns.workflow_models import CreateWorkflowRequest, UpdateWorkflowRequest
from clarion.ids import new_id
from clarion.layouts.preview import PreviewRequest, preview_step
from clarion.principal import Principal

EMAIL = {
    "type": "email",
    "subject": "{{#if vip}}VIP: {{/if}}Order {{order.id}}",
    "content": "<p>Hi {{subscriber.firstName}}</p><ul>{{#each items}}<li>{{name}} x{{qty}}</li>{{/each}}</ul>",
}
SMS = {"type": "sms", "content": "{{firstName}}, {{{note}}} {{#unless paid}}please pay{{/unless}}"}


@pytest.fixture
def caller(journey_settings) -> Principal:
    return Principal(new_id(), new_id(), frozenset())


def create(who: Principal, *templates: dict[str, Any]) -> workflows.Workflow:
    body = {"name": f"Workflow {uuid.uuid4().hex[:8]}", "steps": [{"template": t} for t in templates], "active": True}
    return workflows.create_workflow(who, CreateWorkflowRequest.model_validate(body))


def test_a_workflow_reads_back_in_the_handlebars_it_was_written_in(caller):
    created = create(caller, EMAIL, SMS)
    for workflow in (created, workflows.get_workflow(caller, created.id)):
        email, sms = (step["template"] for step in workflow.steps)
        assert (email["subject"], email["content"], sms["content"]) == (
            EMAIL["subject"],
            EMAIL["content"],
            SMS["content"],
        )


def test_the_campaign_holds_the_jinja_translation(caller):
    created = create(caller, SMS)
    [step] = service.get_campaign(caller, created.id).steps
    assert step["content"]["body"].startswith("{{ payload.firstName }}, {{ payload.note|safe if payload.note is string")


def test_trigger_variables_are_the_bare_payload_names_the_templates_read(caller):
    created = create(caller, EMAIL, SMS)
    names = [variable.name for variable in created.triggers[0].variables]
    assert names == ["vip", "order.id", "items", "firstName", "note", "paid"]


def test_a_workflow_update_replaces_the_handlebars_of_its_steps(caller):
    created = create(caller, EMAIL)
    changed = workflows.update_workflow(
        caller, created.id, UpdateWorkflowRequest.model_validate({"steps": [{"template": SMS}]})
    )
    assert changed.steps[0]["template"]["content"] == SMS["content"]
    assert workflows.get_workflow(caller, created.id).steps[0]["template"]["content"] == SMS["content"]


def test_a_step_changed_through_the_campaigns_api_reads_as_the_campaigns_jinja(caller):
    created = create(caller, SMS, EMAIL)
    jinja_sms = {"channel": "sms", "content": {"body": "Hello {{ payload.firstName|upper }}"}}
    email = service.get_campaign(caller, created.id).steps[1]
    service.update_campaign(caller, created.id, UpdateCampaignRequest.model_validate({"steps": [jinja_sms, email]}))
    sms_shown, email_shown = (step["template"] for step in workflows.get_workflow(caller, created.id).steps)
    assert sms_shown["content"] == "Hello {{ payload.firstName|upper }}"
    assert email_shown["content"] == EMAIL["content"]


def test_the_preview_renders_a_handlebars_workflow_with_the_values(caller):
    created = create(caller, EMAIL, SMS)
    subscriber = {"subscriberId": "s1", "firstName": "Ada <3", "email": "ada@example.com"}
    payload = {"vip": True, "order": {"id": 42}, "items": [{"name": "Pen", "qty": 2}], "firstName": "Ada"}
    request = {"subscriber": subscriber, "payload": payload | {"note": "<i>ok</i>", "paid": False}}
    email = preview_step(caller, created.id, PreviewRequest.model_validate(request))
    assert email.content["subject"] == "VIP: Order 42"
    assert "<p>Hi Ada &lt;3</p><ul><li>Pen x2</li></ul>" in email.content["html"]
    sms = preview_step(caller, created.id, PreviewRequest.model_validate(request | {"stepIndex": 1}))
    assert sms.content["body"] == "Ada, <i>ok</i> please pay"


def test_every_template_field_of_a_step_is_handlebars(caller):
    in_app = {
        "type": "in_app",
        "content": "{{firstName}}",
        "cta": {
            "data": {"url": "/orders/{{order.id}}"},
            "action": {"buttons": [{"type": "primary", "content": "Open {{order.id}}"}]},
        },
    }
    email = {"type": "email", "subject": "s", "content": "c", "senderName": "{{shop.name}}"}
    created = create(caller, in_app, email)
    in_app_step, email_step = service.get_campaign(caller, created.id).steps
    assert in_app_step["content"] == {
        "body": "{{ payload.firstName }}",
        "cta": {"type": "redirect", "data": {"url": "/orders/{{ payload.order.id }}"}},
        "buttons": [{"type": "primary", "content": "Open {{ payload.order.id }}"}],
    }
    assert email_step["content"]["senderName"] == "{{ payload.shop.name }}"
    shown_in_app, shown_email = (step["template"] for step in workflows.get_workflow(caller, created.id).steps)
    assert shown_in_app["cta"]["data"]["url"] == "/orders/{{order.id}}"
    assert shown_in_app["cta"]["action"]["buttons"][0]["content"] == "Open {{order.id}}"
    assert shown_email["senderName"] == "{{shop.name}}"
