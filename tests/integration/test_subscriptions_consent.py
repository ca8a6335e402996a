"""Subscription status and consent through the whole path (gateway → subscribers function → DynamoDB; a trigger →
dispatcher → senders → what SES and SNS recorded): a marketing campaign skips the channel a profile unsubscribed
from, or every channel of a purpose whose consent it withdrew, and the execution details say why, while a
transactional or critical campaign still goes; another environment's key reads and changes none of it."""

import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.journeys import email, journey, runs, sent_subjects, trigger, unique
from tests.integration.journeys import subscriber as journey_subscriber
from tests.integration.support.campaigns import PAYLOAD_EMAIL_STEP, campaign, subject, subscriber, trigger_event
from tests.integration.support.delivery import emails_with_subject, new_phone, texts_to

SMS_STEP = {"channel": "sms", "content": {"body": "Code {{ payload.code }}"}}


def patch_subscriptions(api: Api, subscriber_id: str, changes: dict[str, Any]) -> Any:
    return api.call("PATCH", f"/v1/subscribers/{subscriber_id}/subscriptions", json={"subscriptions": changes})


def put_consent(api: Api, subscriber_id: str, consent: dict[str, Any]) -> Any:
    return api.put(f"/v1/subscribers/{subscriber_id}/consent", {"consent": consent})


def ada_with_phone(admin: Api) -> str:
    phone = new_phone()
    subscriber(admin, "ada", email="ada@example.com", phone=phone)
    return phone


def send(runtime: LocalRuntime, admin: Api, code: str, **fields: Any) -> tuple[dict[str, Any], str]:
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, SMS_STEP, **fields)
    response = trigger_event(admin, sent["identifier"], "ada", payload={"code": code})
    assert response.status == 201, response.json()
    runtime.drain()
    return sent, response.json()["data"]["transactionId"]


def email_details(admin: Api, transaction_id: str) -> list[dict[str, Any]]:
    response = admin.get(f"/v1/execution-details?notificationId={transaction_id}&subscriberId=ada")
    assert response.status == 200, response.json()
    return [detail for detail in response.json()["data"] if detail["channel"] == "email"]


# the routes


def test_every_channel_is_unknown_until_a_status_is_set_and_read_back(admin: Api):
    subscriber(admin, "ada")
    shown = admin.get("/v1/subscribers/ada/subscriptions").json()["data"]
    assert {channel: state["status"] for channel, state in shown.items()} == dict.fromkeys(
        ("email", "sms", "push", "in_app", "chat"), "unknown"
    )
    changed = patch_subscriptions(admin, "ada", {"email": {"status": "unsubscribed", "source": "unsubscribe_link"}})
    assert changed.status == 200, changed.json()
    email = admin.get("/v1/subscribers/ada/subscriptions").json()["data"]["email"]
    assert (email["status"], email["source"]) == ("unsubscribed", "unsubscribe_link") and email["at"]
    profile = admin.get("/v1/subscribers/ada").json()["data"]
    assert profile["subscriptions"]["email"] == email


def test_consent_is_recorded_per_purpose_and_read_back(admin: Api):
    subscriber(admin, "ada")
    assert admin.get("/v1/subscribers/ada/consent").json()["data"] == {}
    response = put_consent(admin, "ada", {"marketing": {"granted": True, "source": "signup_form"}})
    assert response.status == 200, response.json()
    marketing = admin.get("/v1/subscribers/ada/consent").json()["data"]["marketing"]
    assert (marketing["granted"], marketing["source"]) == (True, "signup_form") and marketing["at"]
    assert admin.get("/v1/subscribers/ada").json()["data"]["consent"] == {"marketing": marketing}


def test_bad_changes_are_422_naming_the_field_and_unknown_subscribers_404(admin: Api):
    subscriber(admin, "ada")
    bad = patch_subscriptions(admin, "ada", {"email": {"status": "maybe"}})
    assert bad.status == 422 and any(name.startswith("subscriptions.email.status") for name in bad.json()["errors"])
    assert patch_subscriptions(admin, "nobody", {"email": {"status": "subscribed"}}).status == 404
    assert admin.get("/v1/subscribers/nobody/consent").status == 404


# the engine


def test_a_marketing_send_skips_the_unsubscribed_channel_and_says_why(runtime: LocalRuntime, admin: Api):
    phone = ada_with_phone(admin)
    patch_subscriptions(admin, "ada", {"email": {"status": "unsubscribed", "source": "unsubscribe_link"}})
    code = f"M-{uuid.uuid4().hex[:6]}"
    sent, transaction_id = send(runtime, admin, code)
    assert emails_with_subject(runtime, subject(sent, code)) == []
    assert f"Code {code}" in texts_to(runtime, phone)
    (filtered,) = email_details(admin, transaction_id)
    assert filtered["detail"].startswith("Message filtered: ")
    assert "unsubscribed from email" in filtered["detail"] and "unsubscribe_link" in filtered["detail"]


def test_a_transactional_send_still_goes_to_the_unsubscribed_channel(runtime: LocalRuntime, admin: Api):
    ada_with_phone(admin)
    patch_subscriptions(admin, "ada", {"email": {"status": "unsubscribed"}})
    code = f"T-{uuid.uuid4().hex[:6]}"
    sent, transaction_id = send(runtime, admin, code, purpose="transactional")
    assert sent["purpose"] == "transactional"
    assert len(emails_with_subject(runtime, subject(sent, code))) == 1
    assert [d["status"] for d in email_details(admin, transaction_id)][-1] == "Success"


def test_a_critical_send_still_goes_when_marketing_consent_was_withdrawn(runtime: LocalRuntime, admin: Api):
    ada_with_phone(admin)
    put_consent(admin, "ada", {"marketing": {"granted": False}})
    code = f"C-{uuid.uuid4().hex[:6]}"
    sent, _ = send(runtime, admin, code, critical=True)
    assert len(emails_with_subject(runtime, subject(sent, code))) == 1


def test_withdrawn_marketing_consent_skips_every_channel_of_a_marketing_send(runtime: LocalRuntime, admin: Api):
    phone = ada_with_phone(admin)
    put_consent(admin, "ada", {"marketing": {"granted": False, "source": "preference_center"}})
    code = f"W-{uuid.uuid4().hex[:6]}"
    sent, transaction_id = send(runtime, admin, code)
    assert sent["purpose"] == "marketing"
    assert emails_with_subject(runtime, subject(sent, code)) == []
    assert not any(code in text for text in texts_to(runtime, phone))
    (filtered,) = email_details(admin, transaction_id)
    assert "has not consented to marketing" in filtered["detail"]


def test_another_environments_key_reads_and_changes_none_of_it(admin: Api):
    subscriber(admin, "ada")
    patch_subscriptions(admin, "ada", {"sms": {"status": "subscribed"}})
    created = admin.post("/v1/environments", {"name": f"consent-elsewhere-{uuid.uuid4().hex[:8]}"})
    scopes = ["list:subscription", "update:subscription", "list:consent", "update:consent"]
    other = admin.client("consent-b", scopes, environmentId=created.json()["data"]["_id"])
    assert other.get("/v1/subscribers/ada/subscriptions").status == 404
    assert patch_subscriptions(other, "ada", {"sms": {"status": "unsubscribed"}}).status == 404
    assert put_consent(other, "ada", {"marketing": {"granted": False}}).status == 404
    assert admin.get("/v1/subscribers/ada/subscriptions").json()["data"]["sms"]["status"] == "subscribed"
    assert admin.get("/v1/subscribers/ada/consent").json()["data"] == {}


def test_a_journey_to_a_list_holds_back_the_unsubscribed_members_sends(runtime: LocalRuntime, admin: Api):
    tag = unique("J")
    ada, bob = unique("ada"), unique("bob")
    for name in (ada, bob):
        journey_subscriber(admin, name)
    patch_subscriptions(admin, bob, {"email": {"status": "unsubscribed", "source": "unsubscribe_link"}})
    created = admin.post("/v1/lists", {"name": "Journey list"}).json()["data"]
    assert admin.post(f"/v1/lists/{created['_id']}/items", {"subscriberIds": [ada, bob]}).status == 200
    campaign = journey(
        admin,
        email("welcome", f"{tag} welcome"),
        {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "hours"}},
        email("followup", f"{tag} follow-up"),
    )
    trigger(admin, campaign, {"type": "List", "listId": created["_id"]})
    runtime.drain()
    assert sent_subjects(runtime, f"{ada}@example.com", tag) == [f"{tag} welcome", f"{tag} follow-up"]
    assert sent_subjects(runtime, f"{bob}@example.com", tag) == []
    [run] = runs(admin, campaign, bob)
    assert [(entry["step"], entry["status"]) for entry in run["history"]] == [
        ("welcome", "filtered"),
        ("followup", "filtered"),
    ]


def test_a_campaigns_purpose_is_marketing_by_default_changes_and_is_validated(admin: Api):
    created = campaign(admin, PAYLOAD_EMAIL_STEP)
    assert created["purpose"] == "marketing"
    changed = admin.put(f"/v1/campaigns/{created['_id']}", {"purpose": "newsletter"})
    assert changed.status == 200, changed.json()
    assert admin.get(f"/v1/campaigns/{created['_id']}").json()["data"]["purpose"] == "newsletter"
    refused = admin.post("/v1/campaigns", {"name": "Bad", "purpose": "Not A Word", "steps": [PAYLOAD_EMAIL_STEP]})
    assert refused.status == 422 and "purpose" in refused.json()["errors"]
