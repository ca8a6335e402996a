"""Novu's trigger extras through the whole path: `overrides` seen in what SES, SNS and the feed recorded, `actor`
and `tenant` in templates, the actor on in-app messages and the tenant on the notification."""

import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import campaign, subscriber, trigger_event
from tests.integration.support.delivery import emails_with_subject, new_phone, texts_to

EMAIL = {"channel": "email", "content": {"subject": "Hi {{ subscriber.subscriberId }} {{ payload.code }}", "body": "b"}}


def sent(runtime: LocalRuntime, admin: Api, workflow: dict[str, Any], to: Any, **fields: Any) -> str:
    transaction_id = f"tx-{uuid.uuid4().hex[:12]}"
    response = trigger_event(admin, workflow["identifier"], to, transactionId=transaction_id, **fields)
    assert response.status == 201, response.json()
    runtime.drain()
    return transaction_id


def test_email_overrides_set_sender_name_from_and_copies(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    workflow = campaign(admin, EMAIL)
    code = uuid.uuid4().hex[:6]
    email = {"senderName": "Ops Team", "cc": ["cc@example.com"], "bcc": "bcc@example.com", "unknown": 1}
    sent(runtime, admin, workflow, "ada", payload={"code": code}, overrides={"email": email, "other": {}})
    (message,) = emails_with_subject(runtime, f"Hi ada {code}")
    assert message.source.startswith("Ops Team <")
    assert message.destinations["CcAddresses"] == ["cc@example.com"]
    assert message.destinations["BccAddresses"] == ["bcc@example.com"]


def test_without_overrides_the_email_is_as_the_step_says(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    workflow = campaign(admin, EMAIL)
    code = uuid.uuid4().hex[:6]
    sent(runtime, admin, workflow, "ada", payload={"code": code})
    (message,) = emails_with_subject(runtime, f"Hi ada {code}")
    assert "<" not in message.source and "CcAddresses" not in message.destinations


def test_sms_override_replaces_the_text(runtime: LocalRuntime, admin: Api):
    phone = new_phone()
    subscriber(admin, "sam", phone=phone)
    workflow = campaign(admin, {"channel": "sms", "content": {"body": "from the step"}})
    sent(runtime, admin, workflow, "sam", overrides={"sms": {"content": "from the override"}})
    assert texts_to(runtime, phone) == ["from the override"]


def test_actor_and_tenant_are_in_templates_and_the_actor_on_the_in_app_message(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    body = "{{ actor.firstName }} commented in {{ tenant.name }} ({{ tenant.identifier }})"
    workflow = campaign(admin, {"channel": "in_app", "content": {"body": body}})
    actor = {"subscriberId": "bob", "firstName": "Bob", "avatar": "https://example.com/bob.png"}
    tenant = {"identifier": "acme", "name": "Acme", "data": {"plan": "pro"}}
    transaction_id = sent(runtime, admin, workflow, "ada", actor=actor, tenant=tenant)
    (message,) = admin.get("/v1/subscribers/ada/notifications/feed").json()["data"]
    assert message["content"] == "Bob commented in Acme (acme)"
    assert message["actor"]["type"] == "user"
    assert message["actorSubscriber"]["subscriberId"] == "bob"
    assert message["actorSubscriber"]["avatar"] == "https://example.com/bob.png"
    assert admin.get("/v1/subscribers/bob").json()["data"]["firstName"] == "Bob"  # the actor was upserted
    notification = admin.get(f"/v1/notifications/{transaction_id}").json()["data"]
    stored = admin.get("/v1/tenants/acme").json()["data"]  # created by the trigger, as Novu does
    assert notification["tenant"] == tenant | {"_id": stored["_id"]}


def test_an_actor_given_by_id_is_read_and_a_tenant_by_identifier(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    subscriber(admin, "bob", firstName="Robert")
    workflow = campaign(
        admin, {"channel": "in_app", "content": {"body": "{{ actor.firstName }}/{{ tenant.identifier }}"}}
    )
    sent(runtime, admin, workflow, "ada", actor="bob", tenant="acme")
    (message,) = admin.get("/v1/subscribers/ada/notifications/feed").json()["data"]
    assert (message["content"], message["actorSubscriber"]["firstName"]) == ("Robert/acme", "Robert")


def test_broadcast_applies_the_overrides_too(runtime: LocalRuntime, admin: Api):
    phone = new_phone()
    subscriber(admin, "sam", phone=phone)
    workflow = campaign(admin, {"channel": "sms", "content": {"body": "step {{ tenant.identifier }}"}})
    body = {"name": workflow["identifier"], "tenant": "t1", "overrides": {"sms": {"content": "broadcast"}}}
    assert admin.post("/v1/events/trigger/broadcast", body).status == 201
    runtime.drain()
    assert texts_to(runtime, phone) == ["broadcast"]
