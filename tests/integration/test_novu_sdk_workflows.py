"""Novu's Python SDK (novu 1.14.0) manages workflows and workflow groups on Clarion unchanged, and a workflow it
creates is a campaign that its EventApi triggers and whose email reaches the subscriber; NotificationApi.list()
parses the activity feed with each notification's workflow."""

import uuid

import pytest
import requests
from novu.api import EventApi, NotificationApi, NotificationGroupApi, NotificationTemplateApi
from novu.dto.notification_template import NotificationStepDto, NotificationStepMetadataDto, NotificationTemplateFormDto

from local.runtime import LocalRuntime
from tests.integration.conftest import Api, unlimited_key
from tests.integration.support.delivery import emails_with_subject, stored
from tests.integration.support.novu_sdk import BASE_URL, gateway_session


class Sdk:
    def __init__(self, runtime: LocalRuntime, key: str) -> None:
        session, self.adapter = gateway_session(runtime)
        self.workflows = NotificationTemplateApi(BASE_URL, key, session=session)
        self.groups = NotificationGroupApi(BASE_URL, key, session=session)
        self.events = EventApi(BASE_URL, key, session=session)
        self.notifications = NotificationApi(BASE_URL, key, session=session)


@pytest.fixture
def sdk(runtime: LocalRuntime, admin: Api) -> Sdk:
    return Sdk(runtime, admin.key)


def email_step(subject: str) -> NotificationStepDto:
    template = {"type": "email", "subject": subject, "content": "<p>Order {{ payload.order.id }}</p>"}
    return NotificationStepDto(template=template | {"senderName": "Shop"})


def form(name: str, group_id: str, *steps: NotificationStepDto, **fields) -> NotificationTemplateFormDto:
    return NotificationTemplateFormDto(name=name, notification_group_id=group_id, steps=list(steps), **fields)


def status_of(error: pytest.ExceptionInfo[requests.HTTPError]) -> int:
    return error.value.response.status_code


def test_the_sdk_manages_workflow_groups(sdk: Sdk):
    listed = sdk.groups.list()
    assert [group.name for group in listed.data] == ["General"]
    news = sdk.groups.create("News")
    assert (news.name, sdk.groups.get(news._id).name) == ("News", "News")
    assert sdk.groups.patch(news._id, "Updates").name == "Updates"
    assert [group.name for group in sdk.groups.list().data] == ["General", "Updates"]
    assert sdk.groups.delete(news._id) == {"acknowledged": True, "status": "deleted"}
    with pytest.raises(requests.HTTPError) as gone:
        sdk.groups.get(news._id)
    assert status_of(gone) == 404


def test_the_sdk_creates_lists_gets_updates_and_deletes_workflows(sdk: Sdk, admin: Api):
    group = sdk.groups.create("Orders")
    digest = NotificationStepDto(
        template={"type": "digest", "content": ""},
        metadata=NotificationStepMetadataDto(type="regular", amount=10, unit="minutes", digest_key="orderId"),
    )
    created = sdk.workflows.create(form("Order shipped", group._id, digest, email_step("Shipped"), tags=["orders"]))
    assert (created.name, created.active, created.draft, created.tags) == ("Order shipped", False, True, ["orders"])
    assert created._notification_group_id == group._id
    [trigger] = created.triggers
    assert (trigger.type, trigger.identifier) == ("event", "order-shipped")
    assert [variable.name for variable in trigger.variables] == ["orderId", "order.id"]
    assert [variable.name for variable in trigger.subscriber_variables] == ["email"]
    assert [step.template["type"] for step in created.steps] == ["digest", "email"]
    assert created.steps[0].metadata == {"type": "regular", "amount": 10, "unit": "minutes", "digestKey": "orderId"}
    assert created.steps[1].template["subject"] == "Shipped"

    # the same item is the campaign
    campaign = admin.get(f"/v1/campaigns/{created._id}").json()["data"]
    assert (campaign["identifier"], campaign["status"], campaign["channels"]) == ("order-shipped", "draft", ["email"])

    other = sdk.workflows.create(form("Password reset", group._id, email_step("Reset")))
    listed = sdk.workflows.list(page=0, limit=1)
    assert (listed.total_count, listed.page_size, [w.name for w in listed.data]) == (2, 1, ["Password reset"])
    assert sorted(w.name for w in sdk.workflows.stream()) == ["Order shipped", "Password reset"]
    assert sdk.workflows.get(created._id).triggers[0].identifier == "order-shipped"

    updated = sdk.workflows.update(
        created._id, form("Order shipped today", group._id, email_step("Today"), description="same day")
    )
    assert (updated.name, updated.description, [s.template["subject"] for s in updated.steps]) == (
        "Order shipped today",
        "same day",
        ["Today"],
    )
    assert sdk.workflows.get(created._id).steps[0].template["subject"] == "Today"

    assert sdk.workflows.update_status(created._id, True).active is True
    assert admin.get(f"/v1/campaigns/{created._id}").json()["data"]["status"] == "active"
    with pytest.raises(requests.HTTPError) as same:
        sdk.workflows.update_status(created._id, True)
    assert status_of(same) == 422

    with pytest.raises(requests.HTTPError) as kept:
        sdk.groups.delete(group._id)
    assert status_of(kept) == 409
    sdk.workflows.delete(created._id)
    sdk.workflows.delete(other._id)
    with pytest.raises(requests.HTTPError) as gone:
        sdk.workflows.get(created._id)
    assert status_of(gone) == 404
    assert admin.get(f"/v1/campaigns/{created._id}").status == 404
    with pytest.raises(requests.HTTPError) as unknown:
        sdk.events.trigger("order-shipped", "ada", {})
    assert status_of(unknown) == 422 and unknown.value.response.json()["message"].startswith("workflow_not_found")
    assert sdk.groups.delete(group._id)["status"] == "deleted"
    assert ("PUT", f"/v1/notification-templates/{created._id}/status") in sdk.adapter.sent


def test_a_workflow_the_sdk_creates_is_triggered_and_its_email_reaches_the_subscriber(
    sdk: Sdk, admin: Api, runtime: LocalRuntime
):
    subject = f"Shipped {uuid.uuid4().hex[:8]}"
    general = sdk.groups.list().data[0]
    workflow = sdk.workflows.create(form("Shipping", general._id, email_step(subject), active=True))
    assert admin.post("/v1/subscribers", {"subscriberId": "ada", "email": "ada@example.com"}).status == 201

    event = sdk.events.trigger(workflow.triggers[0].identifier, "ada", {"order": {"id": "A-42"}})
    assert event.acknowledged and event.status == "processed"
    runtime.drain()

    [email] = emails_with_subject(runtime, subject)
    assert email.destinations["ToAddresses"] == ["ada@example.com"] and "Order A-42" in email.body
    messages = admin.get(f"/v1/messages?transactionId={event.transaction_id}").json()["data"]
    assert [(m["channel"], m["status"], m["_templateId"]) for m in messages] == [("email", "sent", workflow._id)]
    sent = stored(runtime, {"channel": "email", "environmentId": admin.environment_id, "_id": messages[0]["_id"]})
    assert sent["content"]["senderName"] == "Shop"  # the name the sender puts in From

    feed = sdk.notifications.list(transaction_id=event.transaction_id)
    [notification] = feed.data
    assert notification.transaction_id == event.transaction_id
    assert (notification.template.name, notification.template._id) == ("Shipping", workflow._id)
    [trigger] = notification.template.triggers
    assert (trigger.identifier, trigger.variables) == (workflow.triggers[0].identifier, [{"name": "order.id"}])

    sdk.workflows.delete(workflow._id)  # what it sent stays
    assert admin.get(f"/v1/messages?transactionId={event.transaction_id}").json()["data"] == messages
    assert [n.transaction_id for n in sdk.notifications.list(transaction_id=event.transaction_id).data] == [
        event.transaction_id
    ]


def test_a_workflow_written_in_novus_handlebars_sends_what_it_says(sdk: Sdk, admin: Api, runtime: LocalRuntime):
    subject = f"Receipt {uuid.uuid4().hex[:8]}"
    content = (
        "<p>Hi {{subscriber.firstName}}, thanks {{firstName}}!</p>{{! not sent }}\n<ul>\n"
        "  {{#each items}}\n  <li>{{@index}}. {{name}} x{{qty}}{{#if @last}} (last){{/if}}</li>\n  {{/each}}\n</ul>\n"
        "{{#if vip}}<p>VIP {{{badge}}}</p>{{else}}<p>Regular</p>{{/if}}<p>{{note}}</p><p>{% if 1 %}\\{{ '{' }}</p>"
    )
    step = NotificationStepDto(template={"type": "email", "subject": subject + " {{order.id}}", "content": content})
    workflow = sdk.workflows.create(form("Receipt", sdk.groups.list().data[0]._id, step, active=True))
    assert [variable.name for variable in workflow.triggers[0].variables] == [
        "order.id",
        "firstName",
        "items",
        "vip",
        "badge",
        "note",
    ]
    assert sdk.workflows.get(workflow._id).steps[0].template["content"] == content
    profile = {"subscriberId": "cy", "email": "cy@example.com", "firstName": "Cy"}
    assert admin.post("/v1/subscribers", profile).status == 201

    payload = {
        "firstName": "Cyril",
        "order": {"id": "R-7"},
        "items": [{"name": "Pen", "qty": 2}, {"name": "Ink", "qty": 1}],
        "vip": True,
        "badge": "<b>gold</b>",
        "note": "Tom & <Jerry>",
    }
    event = sdk.events.trigger(workflow.triggers[0].identifier, "cy", payload)
    assert event.status == "processed"
    runtime.drain()

    [email] = emails_with_subject(runtime, f"{subject} R-7")
    assert "<p>Hi Cy, thanks Cyril!</p>\n<ul>\n  <li>0. Pen x2</li>\n  <li>1. Ink x1 (last)</li>\n</ul>" in email.body
    assert "<p>VIP <b>gold</b></p><p>Tom &amp; &lt;Jerry&gt;</p><p>{% if 1 %}{{ '{' }}</p>" in email.body
    assert "Regular" not in email.body and "not sent" not in email.body
    [notification] = sdk.notifications.list(transaction_id=event.transaction_id).data
    assert [variable["name"] for variable in notification.template.triggers[0].variables][:3] == [
        "order.id",
        "firstName",
        "items",
    ]


def test_an_inactive_workflow_is_not_sent_until_its_status_is_active(sdk: Sdk, admin: Api, runtime: LocalRuntime):
    subject = f"Later {uuid.uuid4().hex[:8]}"
    workflow = sdk.workflows.create(form("Later", sdk.groups.list().data[0]._id, email_step(subject)))
    assert admin.post("/v1/subscribers", {"subscriberId": "bo", "email": "bo@example.com"}).status == 201
    assert sdk.events.trigger(workflow.triggers[0].identifier, "bo", {}).status == "trigger_not_active"
    sdk.workflows.update_status(workflow._id, True)
    assert sdk.events.trigger(workflow.triggers[0].identifier, "bo", {}).status == "processed"
    runtime.drain()
    assert len(emails_with_subject(runtime, subject)) == 1


def test_workflows_and_groups_of_another_environment_are_not_found(runtime: LocalRuntime, admin: Api):
    mine, theirs = Sdk(runtime, admin.key), Sdk(runtime, unlimited_key(runtime, "stranger").key)
    group = mine.groups.create("Mine")
    workflow = mine.workflows.create(form("Mine", group._id, email_step("Mine")))
    for act in (
        lambda: theirs.workflows.get(workflow._id),
        lambda: theirs.workflows.delete(workflow._id),
        lambda: theirs.groups.get(group._id),
        lambda: theirs.groups.delete(group._id),
    ):
        with pytest.raises(requests.HTTPError) as missing:
            act()
        assert status_of(missing) == 404
    with pytest.raises(requests.HTTPError) as refused:
        theirs.workflows.create(form("Theirs", group._id, email_step("Theirs")))
    assert status_of(refused) == 422
    assert theirs.workflows.list().total_count == 0
    assert mine.workflows.get(workflow._id).name == "Mine" and mine.groups.get(group._id).name == "Mine"


def test_the_variables_route_answers_novus_shape(admin: Api):
    answer = admin.get("/v1/workflows/variables")
    assert answer.status == 200
    data = answer.json()["data"]
    assert data["translations"] == {}
    assert data["system"]["subscriber"]["firstName"] == "string" and data["system"]["step"]["digest"] == "boolean"
