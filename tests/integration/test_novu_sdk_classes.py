"""Novu's published Python SDK (novu 1.14.0) drives Clarion unchanged, class by class: EventApi, ExecutionDetailApi,
MessageApi, NotificationApi (stats, graph, list, stream and get, with the workflow's `template.triggers[].variables`),
IntegrationApi, LayoutApi, BlueprintApi and InboundParseApi. SubscriberApi and TopicApi: test_novu_sdk.py.

Every call goes gateway → authorizer → handler → moto (tests/integration/support/novu_sdk.py); what a call creates is
read back, and what a trigger sends is found where the senders put it."""

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
import pytest
import requests
from moto.ses.models import ses_backends
from novu.api import (
    BlueprintApi,
    EventApi,
    ExecutionDetailApi,
    InboundParseApi,
    IntegrationApi,
    LayoutApi,
    MessageApi,
    NotificationApi,
)
from novu.api.base import Api as NovuApi
from novu.dto.event import InputEventDto
from novu.dto.integration import IntegrationDto
from novu.dto.layout import LayoutDto, LayoutVariableDto
from novu.dto.topic import TriggerTopicDto
from novu.enums import Channel

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.journeys import email, journey, quiet_housekeeping, sent_subjects, subscriber, unique
from tests.integration.support.campaigns import campaign
from tests.integration.support.inbox import feed
from tests.integration.support.novu_sdk import BASE_URL, gateway_session

A = TypeVar("A", bound=NovuApi)
IN_APP = {"channel": "in_app", "content": {"body": "Order {{ payload.order }}"}}
SMTP = {"host": "127.0.0.1", "port": "2525", "user": "mailer", "password": "pw", "from": "news@example.com"}


@pytest.fixture
def novu(runtime: LocalRuntime, admin: Api) -> Callable[[type[A]], A]:
    """`novu(EventApi)`: the SDK class with the admin's key, on the local gateway."""
    session, _ = gateway_session(runtime)
    return lambda api_class: api_class(BASE_URL, admin.key, session=session)


@pytest.fixture
def welcome(admin: Api) -> dict[str, Any]:
    """An active campaign (a Novu workflow) with an in-app and an email step; ada and bob have email addresses."""
    subscriber(admin, "ada")
    subscriber(admin, "bob")
    tag = unique("Welcome")
    return campaign(admin, IN_APP, email("mail", f"{tag} {{{{ payload.order }}}}"), name=tag)


def transaction_messages(novu: Callable[[type[A]], A], transaction_id: str) -> list[tuple[str, str, str]]:
    page = novu(MessageApi).list(transaction_id=transaction_id, limit=100)
    assert page.total_count == len(page.data)
    return sorted((str(m._subscriber_id), str(m.channel), str(m.status)) for m in page.data)


# EventApi


def test_a_trigger_sends_each_step_to_the_subscriber(runtime: LocalRuntime, novu, welcome):
    event = novu(EventApi).trigger(welcome["identifier"], "ada", {"order": 42}, transaction_id=unique("tx"))
    assert (event.acknowledged, event.status) == (True, "processed")
    runtime.drain()
    assert transaction_messages(novu, event.transaction_id) == [("ada", "email", "sent"), ("ada", "in_app", "sent")]
    assert sent_subjects(runtime, "ada@example.com", welcome["name"]) == [f"{welcome['name']} 42"]


def test_a_bulk_trigger_answers_each_event_and_sends_each(runtime: LocalRuntime, novu, welcome):
    events = [
        InputEventDto(name=welcome["identifier"], recipients=to, payload={"order": order})
        for to, order in (("ada", 1), ("bob", 2))
    ]
    answers = novu(EventApi).trigger_bulk(events)
    assert [a.acknowledged for a in answers] == [True, True]
    runtime.drain()
    assert [transaction_messages(novu, a.transaction_id)[0][0] for a in answers] == ["ada", "bob"]
    assert sent_subjects(runtime, "bob@example.com", welcome["name"]) == [f"{welcome['name']} 2"]


def test_a_topic_trigger_reaches_the_topics_members_only(runtime: LocalRuntime, admin: Api, novu, welcome):
    assert admin.post("/v1/topics", {"key": "vip", "name": "VIP"}).status == 201
    assert admin.post("/v1/topics/vip/subscribers", {"subscribers": ["bob"]}).status == 200
    event = novu(EventApi).trigger_topic(welcome["identifier"], TriggerTopicDto("vip", "Topic"), {"order": 3})
    runtime.drain()
    assert {to for to, _, _ in transaction_messages(novu, event.transaction_id)} == {"bob"}


def test_a_broadcast_reaches_every_subscriber_of_the_environment(runtime: LocalRuntime, novu, welcome):
    event = novu(EventApi).broadcast(welcome["identifier"], {"order": 7})
    runtime.drain()
    sent = transaction_messages(novu, event.transaction_id)
    assert {(to, channel) for to, channel, _ in sent} == {(s, c) for s in ("ada", "bob") for c in ("email", "in_app")}


@pytest.mark.usefixtures(quiet_housekeeping.__name__)
def test_a_cancel_stops_the_send_a_journey_was_waiting_to_make(runtime: LocalRuntime, admin: Api, novu):
    user, tag = unique("cancel"), unique("C")
    subscriber(admin, user)
    # a reminder a day later, unless the subscriber's event comes first (it never does)
    wait = {"event": "never", "amount": 24, "unit": "hours", "onTimeout": "second"}
    hold = {"id": "hold", "type": "wait", "next": "second", "wait": wait}
    delayed = journey(admin, email("first", f"{tag} first"), hold, email("second", f"{tag} second"))
    transaction_id = novu(EventApi).trigger(delayed["identifier"], user, {}).transaction_id
    runtime.drain()
    novu(EventApi).delete(transaction_id)
    runtime.clock.advance(2 * 86400)
    runtime.drain()
    assert sent_subjects(runtime, f"{user}@example.com", tag) == [f"{tag} first"]


# ExecutionDetailApi, MessageApi


def test_execution_details_tell_each_step_of_a_subscribers_messages(runtime: LocalRuntime, novu, welcome):
    transaction_id = novu(EventApi).trigger(welcome["identifier"], "ada", {"order": 1}).transaction_id
    runtime.drain()
    details = list(novu(ExecutionDetailApi).list(transaction_id, "ada"))
    assert {(d.channel, d.status) for d in details if d.status == "Success"} == {
        ("email", "Success"),
        ("in_app", "Success"),
    }
    assert {d.transaction_id for d in details} == {transaction_id}


def test_messages_are_listed_streamed_and_deleted(runtime: LocalRuntime, admin: Api, novu, welcome):
    events = novu(EventApi)
    first = events.trigger(welcome["identifier"], "ada", {"order": 1}).transaction_id
    events.trigger(welcome["identifier"], "bob", {"order": 2})
    runtime.drain()
    messages = novu(MessageApi)
    page = messages.list(limit=3)
    assert (page.total_count, len(page.data), page.page_size) == (4, 3, 3)
    assert len(list(messages.stream(channel=Channel.IN_APP))) == 2
    (in_app,) = [m for m in messages.list(subscriber_id="ada").data if m.channel == "in_app"]
    assert in_app.transaction_id == first and feed(admin, "ada") == ["Order 1"]
    assert messages.delete(str(in_app._id)) is True
    assert feed(admin, "ada") == [] and messages.list().total_count == 3


def test_deleting_a_transactions_messages_empties_it_and_the_inbox(runtime: LocalRuntime, admin: Api, novu, welcome):
    transaction_id = novu(EventApi).trigger(welcome["identifier"], "ada", {"order": 1}).transaction_id
    runtime.drain()
    unseen = "/v1/subscribers/ada/notifications/unseen"
    assert admin.delete(f"/v1/messages/transaction/{transaction_id}?channel=email").status == 204
    assert transaction_messages(novu, transaction_id) == [("ada", "in_app", "sent")]
    assert admin.get(unseen).json()["data"]["count"] == 1
    assert admin.delete(f"/v1/messages/transaction/{transaction_id}").status == 204
    assert transaction_messages(novu, transaction_id) == [] and feed(admin, "ada") == []
    assert admin.get(unseen).json()["data"]["count"] == 0
    missing = admin.delete(f"/v1/messages/transaction/{transaction_id}")
    assert (missing.status, list(missing.json()["errors"])) == (404, ["transactionId"])


# NotificationApi


def test_notification_stats_and_graph_count_the_triggers(runtime: LocalRuntime, novu, welcome):
    notifications = novu(NotificationApi)
    weekly, monthly = notifications.stats()
    for to in ("ada", "bob"):
        novu(EventApi).trigger(welcome["identifier"], to, {"order": 1})
    runtime.drain()
    assert notifications.stats() == (weekly + 2, monthly + 2)
    assert list(notifications.graph_stats(days=7)) == []  # today is rolled up once it ends
    for days in (0, 367):
        with pytest.raises(requests.HTTPError) as refused:
            list(notifications.graph_stats(days=days))
        assert list(refused.value.response.json()["errors"]) == ["days"]
    day = runtime.clock.now().date().isoformat()
    runtime.clock.advance(86400)
    runtime.drain()
    (graph,) = [entry for entry in notifications.graph_stats(days=7) if entry._id == day]
    assert (graph.count, graph.templates, sorted(graph.channels)) == (4, [welcome["_id"]], ["email", "in_app"])


def test_notifications_are_listed_streamed_and_read_with_their_workflows_trigger(runtime: LocalRuntime, novu, welcome):
    notifications = novu(NotificationApi)
    triggered = novu(EventApi).trigger(welcome["identifier"], "ada", {"order": 9})
    runtime.drain()
    (listed,) = notifications.list(transaction_id=triggered.transaction_id).data
    assert listed.transaction_id == triggered.transaction_id
    (trigger,) = listed.template.triggers
    assert (trigger.identifier, [variable["name"] for variable in trigger.variables]) == (
        welcome["identifier"],
        ["order"],
    )
    streamed = [n._id for n in notifications.stream(transaction_id=triggered.transaction_id)]
    assert streamed == [listed._id]
    read = notifications.get(listed._id)
    assert (read._id, read.transaction_id, read.template.name) == (
        listed._id,
        triggered.transaction_id,
        welcome["name"],
    )


# IntegrationApi


def test_an_ses_integration_made_with_novus_credentials_sends_from_its_region(runtime: LocalRuntime, novu, welcome):
    sender = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    boto3.client("ses", region_name="eu-west-1").verify_email_identity(EmailAddress=sender)
    credentials = {"apiKey": "AKIAEXAMPLE000000007", "secretKey": "s3cret", "region": "eu-west-1", "from": sender}
    integrations = novu(IntegrationApi)
    created = integrations.create(IntegrationDto("ses", Channel.EMAIL, True, credentials | {"senderName": "Ops"}))
    assert created.credentials == credentials | {"apiKey": "****", "secretKey": "****", "senderName": "Ops"}
    assert [i._id for i in integrations.list(only_active=True)] == [created._id]

    novu(EventApi).trigger(welcome["identifier"], "ada", {"order": 5})
    runtime.drain()
    account = runtime.stack.resolver.account_id
    sent = [m for m in ses_backends[account]["eu-west-1"].sent_messages if m.subject == f"{welcome['name']} 5"]
    assert [m.source for m in sent] == [f"Ops <{sender}>"]


def test_an_integration_is_updated_made_primary_asked_about_and_deleted(admin: Api, novu):
    integrations = novu(IntegrationApi)
    first = integrations.create(IntegrationDto("ses", Channel.EMAIL, True, {}), check=False)
    second = integrations.create(IntegrationDto("nodemailer", Channel.EMAIL, False, SMTP), check=False)
    second.active = True
    updated = integrations.update(second, check=False)
    assert (updated.active, updated.credentials["password"]) == (True, "****")
    assert integrations.set_primary(str(second._id))._id == second._id
    primaries = [i["_id"] for i in admin.get("/v1/integrations").json()["data"] if i["primary"]]
    assert primaries == [second._id]  # the SDK's IntegrationDto has no `primary`
    assert integrations.status("ses") is False
    usage = integrations.limit(Channel.EMAIL)
    assert (usage.limit, usage.count) == (0, 0)
    integrations.delete(str(first._id))
    assert [i._id for i in integrations.list()] == [second._id]
    with pytest.raises(requests.HTTPError) as missing:
        integrations.status("ses")
    assert missing.value.response.status_code == 404


# LayoutApi


def test_a_layouts_variable_default_fills_what_the_payload_lacks(runtime: LocalRuntime, admin: Api, novu):
    layouts = novu(LayoutApi)
    brand = LayoutVariableDto(name="brand", type="String", default_value="Acme")
    content = "<div>{{ payload.brand }}|{{{body}}}</div>"
    created = layouts.create(LayoutDto("Brand", "Our brand", content, True, variables=[brand]))
    assert (created.is_default, [(v.name, v.default_value) for v in created.variables]) == (True, [("brand", "Acme")])
    assert layouts.get(str(created._id)).content == content

    user, tag = unique("layout"), unique("L")
    subscriber(admin, user)
    sent = campaign(admin, email("mail", tag, "<p>hi</p>"))
    for payload in ({}, {"brand": "Zeta"}):
        novu(EventApi).trigger(sent["identifier"], user, payload)
    runtime.drain()
    backend = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
    bodies = [str(m.body) for m in backend.sent_messages if m.subject == tag]
    assert sorted(bodies) == ["<div>Acme|<p>hi</p></div>", "<div>Zeta|<p>hi</p></div>"]


def test_layouts_are_listed_patched_made_default_and_deleted(novu):
    layouts = novu(LayoutApi)
    first = layouts.create(LayoutDto("First", "", "<b>{{{body}}}</b>", True))
    second = layouts.create(LayoutDto("Second", "", "<i>{{{body}}}</i>", False))
    listed = layouts.list()
    assert (listed.total_count, [layout.name for layout in listed.data]) == (2, ["Second", "First"])
    second.description = "Italic"
    assert layouts.patch(second).description == "Italic"
    layouts.set_default(str(second._id))
    assert (layouts.get(str(first._id)).is_default, layouts.get(str(second._id)).is_default) == (False, True)
    layouts.delete(str(first._id))
    with pytest.raises(requests.HTTPError) as gone:
        layouts.get(str(first._id))
    assert gone.value.response.status_code == 404


# BlueprintApi, InboundParseApi


def test_blueprints_are_a_404_saying_clarion_has_no_catalogue(novu):
    blueprints = novu(BlueprintApi)
    for call in (blueprints.get_grouped_by_category, lambda: blueprints.get_by_id("welcome")):
        with pytest.raises(requests.HTTPError) as refused:
            call()
        assert refused.value.response.status_code == 404
        assert "no blueprint catalogue" in refused.value.response.json()["message"]


def test_the_inbound_parse_mx_record_is_not_configured(novu):
    assert novu(InboundParseApi).validate_mx_record_setup() is False
