"""Novu v1 workflows (clarion.campaigns.workflows) on the in-memory store: a workflow IS its campaign, read and
written in Novu's shape; its steps map onto campaign steps; its trigger names the campaign; its group is counted."""

import uuid
from typing import Any

import pytest

from clarion.campaigns import service, workflows
from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.workflow_models import CreateWorkflowRequest, UpdateWorkflowRequest
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.workflow_groups import service as groups
from clarion.workflow_groups.models import WorkflowGroupRequest

EMAIL = {
    "template": {
        "type": "email",
        "subject": "Order {{ payload.order.id }}",
        "content": "<p>Hi {{ subscriber.firstName }}, {{ payload.order.total }}</p>",
        "senderName": "Shop",
    }
}
SMS = {"template": {"type": "sms", "content": "Code {{ payload.code }}"}}
PUSH = {"template": {"type": "push", "title": "Hi", "content": "{{ payload.code }} again"}}
IN_APP = {
    "template": {
        "type": "in_app",
        "content": "Your order",
        "cta": {"type": "redirect", "data": {"url": "/orders/{{ payload.order.id }}"}},
    }
}
DIGEST = {
    "template": {"type": "digest", "content": ""},
    "metadata": {"type": "regular", "amount": 5, "unit": "minutes", "digestKey": "postId"},
}
DELAY = {"template": {"type": "delay", "content": ""}, "metadata": {"type": "regular", "amount": 2, "unit": "hours"}}
# what Novu's Python SDK 1.x sends for a step built with NotificationStepDto(template=...): snake_case, nulls
SDK_NULLS = {
    "_id": None,
    "_template_id": None,
    "_parent_id": None,
    "active": None,
    "should_stop_on_fail": None,
    "filters": None,
    "metadata": None,
    "replay_callback": None,
}


@pytest.fixture
def caller(journey_settings) -> Principal:
    return Principal(new_id(), new_id(), frozenset())


def create(who: Principal, **fields: Any) -> workflows.Workflow:
    body = {"name": f"Workflow {uuid.uuid4().hex[:8]}", "steps": [EMAIL]} | fields
    return workflows.create_workflow(who, CreateWorkflowRequest.model_validate(body))


def update(who: Principal, workflow_id: str, **fields: Any) -> workflows.Workflow:
    return workflows.update_workflow(who, workflow_id, UpdateWorkflowRequest.model_validate(fields))


def test_a_workflow_is_stored_as_its_campaign_with_each_step_mapped(caller):
    created = create(caller, name="Order shipped", steps=[EMAIL, SMS, PUSH, IN_APP], active=True, tags=["orders"])
    campaign = service.get_campaign(caller, created.id)
    assert campaign.identifier == created.triggers[0].identifier == "order-shipped"
    assert campaign.status == "active" and created.active and not created.draft
    assert campaign.channels == ["email", "sms", "push", "in_app"]
    assert campaign.steps == [
        {
            "channel": "email",
            "content": {
                "subject": EMAIL["template"]["subject"],
                "body": EMAIL["template"]["content"],
                "senderName": "Shop",
            },
        },
        {"channel": "sms", "content": {"body": "Code {{ payload.code }}"}},
        {"channel": "push", "content": {"title": "Hi", "body": "{{ payload.code }} again"}},
        {
            "channel": "in_app",
            "content": {
                "body": "Your order",
                "cta": {"type": "redirect", "data": {"url": "/orders/{{ payload.order.id }}"}},
            },
        },
    ]
    assert workflows.get_workflow(caller, created.id).tags == ["orders"]


def test_digest_and_delay_steps_become_a_journey_and_read_back_as_novu_steps(caller):
    created = create(caller, steps=[DIGEST, DELAY, EMAIL])
    stored = CampaignsRepository().get(caller.environment_id, created.id)
    assert stored is not None
    assert stored["steps"][:2] == [
        {"type": "digest", "digest": {"amount": 5, "unit": "minutes", "key": "postId"}},
        {"type": "wait", "wait": {"amount": 2, "unit": "hours"}},
    ]
    digest, delay, email = created.steps
    assert (digest["template"]["type"], digest["metadata"]) == ("digest", DIGEST["metadata"])
    assert (delay["template"]["type"], delay["metadata"]) == ("delay", DELAY["metadata"])
    assert email["template"]["subject"] == EMAIL["template"]["subject"] and email["_parentId"] == delay["_id"]


def test_the_sdk_step_shape_with_snake_case_nulls_is_accepted(caller):
    created = create(
        caller,
        steps=[SDK_NULLS | SMS],
        notificationGroupId=None,
        preferenceSettings={"email": True, "sms": False, "in_app": True, "chat": True, "push": True},
    )
    assert created.steps[0]["template"]["content"] == SMS["template"]["content"]
    assert created.preferenceSettings["sms"] is False


def test_the_trigger_names_the_payload_and_subscriber_variables_the_steps_use(caller):
    created = create(caller, steps=[DIGEST, EMAIL, SMS, IN_APP])
    [trigger] = created.triggers
    assert [v.name for v in trigger.variables] == ["postId", "order.id", "order.total", "code"]
    assert [v.name for v in trigger.subscriberVariables] == ["email", "phone"]


def test_a_new_workflow_is_a_draft_that_triggers_do_not_send(caller):
    created = create(caller)
    assert (created.active, created.draft) == (False, True)
    assert service.get_campaign(caller, created.id).status == "draft"


def test_a_taken_identifier_gets_a_suffix_as_novu_gives_one(caller):
    first, second = create(caller, name="Welcome"), create(caller, name="Welcome")
    assert first.triggers[0].identifier == "welcome"
    assert second.triggers[0].identifier.startswith("welcome-") and len(second.triggers[0].identifier) == 14


def test_a_slug_taken_between_its_read_and_the_write_gets_a_suffix_too(caller, monkeypatch):
    first = create(caller, name="Race")
    monkeypatch.setattr(CampaignsRepository, "find_by_identifier", lambda *_: None)  # the read saw it free
    second = create(caller, name="Race")
    assert first.triggers[0].identifier == "race" and second.triggers[0].identifier.startswith("race-")


def test_a_campaign_created_as_one_reads_as_a_workflow_of_the_default_group(caller):
    body = {
        "name": "Native",
        "status": "active",
        "steps": [
            {"id": "hello", "channel": "sms", "content": {"body": "hi {{ payload.name }}"}, "next": "stop"},
            {"id": "stop", "type": "exit"},
        ],
    }
    campaign = service.create_campaign(caller, CreateCampaignRequest.model_validate(body))
    for key in (campaign.id, campaign.identifier):
        shown = workflows.get_workflow(caller, key)
        assert (shown.id, shown.name, shown.active) == (campaign.id, "Native", True)
    assert shown.notificationGroupId == groups.default_group_id(caller.environment_id)
    assert [step["template"]["type"] for step in shown.steps] == ["sms", "custom"]
    assert shown.steps[1]["template"]["name"] == "exit"
    assert [v.name for v in shown.triggers[0].variables] == ["name"]


def test_the_list_is_novus_page_newest_first_and_filters_by_name_or_identifier(caller, use_clock):
    clock = use_clock(1_800_000_000, step=1)
    made = [create(caller, name=f"Flow {n}") for n in range(3)]
    clock.advance(seconds=10)
    page = workflows.list_workflows(caller, page=0, limit=2, query=None)
    assert (page.totalCount, page.pageSize, page.hasMore) == (3, 2, True)
    assert [w.id for w in page.data] == [made[2].id, made[1].id]
    assert [w.id for w in workflows.list_workflows(caller, page=1, limit=2, query=None).data] == [made[0].id]
    assert [w.id for w in workflows.list_workflows(caller, page=0, limit=10, query="FLOW-1").data] == [made[1].id]


def test_an_update_changes_the_campaign_and_keeps_what_it_does_not_name(caller):
    created = create(caller, tags=["a"], description="first")
    updated = update(caller, created.id, name="Renamed", identifier="renamed", steps=[SMS], active=True)
    assert (updated.name, updated.triggers[0].identifier, updated.description) == ("Renamed", "renamed", "first")
    assert updated.active is False  # status changes only through PUT .../status, as in Novu
    assert service.get_campaign(caller, created.id).channels == ["sms"]
    assert CampaignsRepository().find_by_identifier(caller.environment_id, "renamed") is not None
    assert update(caller, created.id, tags=[], data={"team": "ops"}).tags == []
    assert workflows.get_workflow(caller, created.id).data == {"team": "ops"}
    assert {"tags", "data", "notificationGroupId"}.isdisjoint(service.get_campaign(caller, created.id).model_dump())
    other = create(caller, name="Other")
    with pytest.raises(Conflict) as taken:
        update(caller, other.id, identifier="renamed")
    assert taken.value.field == "identifier"


def test_status_starts_and_stops_the_campaign_and_refuses_the_status_it_has(caller):
    created = create(caller)
    assert workflows.set_workflow_status(caller, created.id, True).active
    assert service.get_campaign(caller, created.id).status == "active"
    stopped = workflows.set_workflow_status(caller, created.id, False)
    assert (stopped.active, service.get_campaign(caller, created.id).status) == (False, "stopped")
    with pytest.raises(ValidationFailed) as refused:
        workflows.set_workflow_status(caller, created.id, False)
    assert refused.value.field == "active"


def test_a_deleted_workflow_is_gone_and_its_identifier_free(caller):
    created = create(caller, name="Gone")
    assert workflows.delete_workflow(caller, created.id) is True
    with pytest.raises(NotFound):
        workflows.get_workflow(caller, created.id)
    with pytest.raises(NotFound):
        service.get_campaign(caller, created.id)
    assert create(caller, name="Gone").triggers[0].identifier == "gone"


def test_another_environments_workflow_is_not_found(caller):
    created = create(caller)
    stranger = Principal(new_id(), new_id(), frozenset())
    for act in (
        lambda: workflows.get_workflow(stranger, created.id),
        lambda: update(stranger, created.id, name="x"),
        lambda: workflows.set_workflow_status(stranger, created.id, True),
        lambda: workflows.delete_workflow(stranger, created.id),
    ):
        with pytest.raises(NotFound):
            act()
    assert workflows.list_workflows(stranger, page=0, limit=10, query=None).totalCount == 0
    assert workflows.get_workflow(caller, created.id).name == created.name


def test_a_workflow_joins_the_group_named_and_moves_between_groups(caller):
    news = groups.create_group(caller, WorkflowGroupRequest(name="News"))
    created = create(caller, notificationGroupId=news.id)
    assert created.notificationGroupId == news.id
    with pytest.raises(Conflict):
        groups.delete_group(caller, news.id)
    moved = update(caller, created.id, notificationGroupId=groups.default_group_id(caller.environment_id))
    assert moved.notificationGroupId == groups.default_group_id(caller.environment_id)
    assert groups.delete_group(caller, news.id).status == "deleted"


def test_an_unknown_group_is_refused_naming_notification_group_id(caller):
    with pytest.raises(ValidationFailed) as refused:
        create(caller, notificationGroupId=new_id())
    assert refused.value.field == "notificationGroupId"
    assert workflows.list_workflows(caller, page=0, limit=10, query=None).totalCount == 0


def test_a_campaign_refusal_names_the_workflow_field(caller):
    email = {"template": EMAIL["template"] | {"layoutId": new_id()}}
    with pytest.raises(ValidationFailed) as refused:
        create(caller, steps=[email])
    assert refused.value.field == "steps[0].template.layoutId"


def test_a_completed_campaign_cannot_change_through_its_workflow(caller):
    created = create(caller)
    stored = CampaignsRepository().get(caller.environment_id, created.id)
    assert stored is not None
    CampaignsRepository().update(caller.environment_id, stored, stored | {"status": "completed", "version": 2})
    with pytest.raises(Conflict):
        update(caller, created.id, name="Later")
    with pytest.raises(Conflict):
        workflows.set_workflow_status(caller, created.id, True)


def test_the_variables_are_those_templates_can_read(caller):
    from clarion.templates.render import render, template_variables

    system = workflows.workflow_variables().system
    actor = {"subscriberId": "a", "firstName": "Ann"}
    seen = template_variables(
        {"subscriberId": "s", "firstName": "Sam"},
        {},
        {"name": "C", "identifier": "c"},
        {"actor": actor, "tenant": {"identifier": "t"}},
    )
    for root, fields in system.items():
        assert set(fields) <= set(seen[root]) | ({"events", "total_count"} if root == "step" else {"name", "data"})
        for name in fields:
            render(f"{{{{ {root}.{name} }}}}", seen, field=f"{root}.{name}")
    assert render("{{ subscriber.firstName }} {{ actor.firstName }}", seen, field="x") == "Sam Ann"


def test_a_campaigns_locales_show_as_its_default_content_and_a_workflow_step_update_replaces_them(caller):
    sms = {"channel": "sms", "content": {"body": "Hello"}, "locales": {"de": {"body": "Hallo"}}}
    campaign = service.create_campaign(caller, CreateCampaignRequest.model_validate({"name": "Hi", "steps": [sms]}))
    assert workflows.get_workflow(caller, campaign.id).steps[0]["template"]["content"] == "Hello"
    update(caller, campaign.id, steps=[SMS])
    assert service.get_campaign(caller, campaign.id).steps == [
        {"channel": "sms", "content": {"body": "Code {{ payload.code }}"}}
    ]
