"""Triggers through the whole path: gateway → authorizer → triggers function → dispatch queue → dispatcher →
channel queues → senders → moto (SES, SNS, the inbox)."""

import json
import uuid
from typing import Any

import pytest

from clarion.engine.dispatch_jobs import parse_dispatch_job
from clarion.engine.models import MAX_PAYLOAD_BYTES
from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.support.campaigns import (
    EMAIL_STEP,
    SMS_STEP,
    UNKNOWN_ID,
    campaign,
    dispatch_queue_messages,
    records,
    subject,
    subscriber,
    trigger_event,
)
from tests.integration.support.delivery import emails_with_subject, endpoint_messages, new_phone, texts_to
from tests.integration.support.environments import other_environment_trigger_key

PUSH_STEP = {"channel": "push", "content": {"title": "Hello", "body": "Code {{ event.code }}"}}


def trigger_user(api: Api, campaign_id: str, user: dict[str, Any], event: Any = None) -> Any:
    body = {"user": {"external_id": "user-1"} | user} | ({"event": event} if event is not None else {})
    return api.post(f"/api/client/campaigns/{campaign_id}/trigger", body)


# seed 003: POST /api/client/campaigns/{campaignId}/trigger


def test_a_campaign_trigger_answers_204_and_the_email_is_sent(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    response = trigger_user(admin, sent["_id"], {"email": "test@test.com"}, {"code": "A1"})
    assert (response.status, response.body) == (204, b"")
    runtime.drain()
    (email,) = emails_with_subject(runtime, subject(sent, "A1"))
    assert email.destinations["ToAddresses"] == ["test@test.com"]


def test_a_campaign_trigger_sends_the_sms_to_the_users_phone(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, SMS_STEP)
    assert trigger_user(admin, sent["_id"], {"phone": (phone := new_phone())}, {"code": "B2"}).status == 204
    runtime.drain()
    assert texts_to(runtime, phone) == ["Code B2"]


@pytest.mark.usefixtures("push_applications")
def test_a_campaign_trigger_sends_the_push_to_the_device_token(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, PUSH_STEP)
    token = f"token-{uuid.uuid4()}"
    assert trigger_user(admin, sent["_id"], {"device_token": token}, {"code": "C3"}).status == 204
    runtime.drain()
    (message,) = endpoint_messages(runtime, token)
    assert json.loads(json.loads(message)["GCM"])["notification"] == {"title": "Hello", "body": "Code C3"}


def test_the_device_token_is_stored_once_as_an_fcm_credential(admin: Api):
    sent = campaign(admin, PUSH_STEP)
    for _ in range(2):
        assert trigger_user(admin, sent["_id"], {"device_token": "token-1"}).status == 204
    channels = admin.get("/v1/subscribers/user-1").json()["data"]["channels"]
    assert [(c["providerId"], c["credentials"]["deviceTokens"]) for c in channels] == [("fcm", ["token-1"])]


def test_the_user_is_upserted_as_a_subscriber_with_its_fields(admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    user = {"email": "test@test.com", "timezone": "America/Chicago", "locale": "en"}
    assert trigger_user(admin, sent["_id"], user).status == 204
    assert trigger_user(admin, sent["_id"], {"email": "new@test.com"}).status == 204
    stored = admin.get("/v1/subscribers/user-1").json()["data"]
    assert (stored["email"], stored["timezone"], stored["locale"]) == ("new@test.com", "America/Chicago", "en")


def test_the_seed_sample_event_is_answered_204(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    event = load_event("triggers/trigger_campaign_for_user.json")
    event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
    event["pathParameters"]["campaignId"] = sent["_id"]
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/api/client/campaigns/{sent['_id']}/trigger"
    assert runtime.invoke("TriggersFunction", event)["statusCode"] == 204


def test_a_trigger_queues_one_dispatch_job_and_writes_no_record(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    runtime.drain()
    trigger_user(admin, sent["_id"], {"email": "test@test.com"}, {"code": "D4"})
    (body,) = [body for body in dispatch_queue_messages(runtime) if body["campaignId"] == sent["_id"]]
    job = parse_dispatch_job(body)
    assert (job.kind, job.targets, job.payload, job.cursor) == (
        "send",
        {"subscriberIds": ["user-1"], "topicKeys": [], "all": False},
        {"code": "D4"},
        None,
    )
    assert records(runtime, admin) == []


def test_a_user_without_the_email_an_email_campaign_needs_is_a_422_naming_it(admin: Api):
    response = trigger_user(admin, campaign(admin, EMAIL_STEP)["_id"], {"phone": new_phone()})
    assert response.status == 422
    assert "user.email" in response.json()["errors"]


def test_a_user_without_the_phone_an_sms_campaign_needs_is_a_422_naming_it(admin: Api):
    response = trigger_user(admin, campaign(admin, SMS_STEP)["_id"], {"email": "test@test.com"})
    assert (response.status, list(response.json()["errors"])) == (422, ["user.phone"])


def test_a_user_without_a_device_token_for_a_push_campaign_is_a_422_naming_it(admin: Api):
    response = trigger_user(admin, campaign(admin, PUSH_STEP)["_id"], {"email": "test@test.com"})
    assert (response.status, list(response.json()["errors"])) == (422, ["user.device_token"])


def test_an_email_the_subscriber_already_has_satisfies_an_email_campaign(admin: Api):
    subscriber(admin, "user-1", email="known@test.com")
    assert trigger_user(admin, campaign(admin, EMAIL_STEP)["_id"], {}).status == 204


def test_a_timezone_that_is_not_iana_is_a_422_naming_it(admin: Api):
    response = trigger_user(admin, campaign(admin, EMAIL_STEP)["_id"], {"email": "a@test.com", "timezone": "Mars/Base"})
    assert (response.status, list(response.json()["errors"])) == (422, ["user.timezone"])


def test_a_bad_email_is_a_422_naming_it(admin: Api):
    response = trigger_user(admin, campaign(admin, EMAIL_STEP)["_id"], {"email": "not-an-email"})
    assert (response.status, list(response.json()["errors"])) == (422, ["user.email"])


def test_a_body_without_user_is_a_422_naming_it(admin: Api):
    response = admin.post(f"/api/client/campaigns/{campaign(admin, EMAIL_STEP)['_id']}/trigger", {"event": {}})
    assert (response.status, list(response.json()["errors"])) == (422, ["user"])


def test_an_unknown_campaign_is_a_404(admin: Api):
    response = trigger_user(admin, UNKNOWN_ID, {"email": "test@test.com"})
    assert response.status == 404


def test_a_paused_campaign_is_a_409_saying_its_status(admin: Api):
    response = trigger_user(admin, campaign(admin, EMAIL_STEP, status="paused")["_id"], {"email": "test@test.com"})
    assert response.status == 409
    assert "paused" in response.json()["message"]


def test_a_trigger_without_a_key_is_a_401(admin: Api):
    anonymous = Api(admin.runtime, None)
    assert trigger_user(anonymous, campaign(admin, EMAIL_STEP)["_id"], {"email": "test@test.com"}).status == 401


def test_a_key_without_campaign_trigger_is_a_403(admin: Api):
    reader = admin.client("reader", ["info:campaign"])
    assert trigger_user(reader, campaign(admin, EMAIL_STEP)["_id"], {"email": "test@test.com"}).status == 403


def test_another_environments_key_gets_404_for_the_campaign(admin: Api):
    other = other_environment_trigger_key(admin)
    response = trigger_user(other, campaign(admin, EMAIL_STEP)["_id"], {"email": "test@test.com"})
    assert response.status == 404


def test_an_event_larger_than_64_kb_is_refused_naming_it(admin: Api):
    event = {"blob": "x" * MAX_PAYLOAD_BYTES}
    response = trigger_user(admin, campaign(admin, EMAIL_STEP)["_id"], {"email": "test@test.com"}, event)
    assert (response.status, list(response.json()["errors"])) == (413, ["event"])


# Novu: POST /v1/events/trigger


def test_a_novu_trigger_answers_201_with_the_acknowledgement(admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    response = trigger_event(admin, sent["identifier"], "user-1", transactionId="txn-1")
    assert response.status == 201
    assert response.json() == {"data": {"acknowledged": True, "status": "processed", "transactionId": "txn-1"}}


def test_a_novu_trigger_without_transaction_id_gets_a_generated_one(admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    transaction_id = trigger_event(admin, sent["identifier"], "user-1").json()["data"]["transactionId"]
    assert len(transaction_id) == 24 and int(transaction_id, 16) >= 0


def test_a_novu_trigger_to_a_subscriber_id_sends_with_the_payload_rendered(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    trigger_event(admin, sent["identifier"], "user-1", payload={"code": "E5"})
    runtime.drain()
    (email,) = emails_with_subject(runtime, subject(sent, "E5"))
    assert email.destinations["ToAddresses"] == ["ada@example.com"]


def test_a_subscriber_without_a_first_name_gets_a_subject_without_none(runtime: LocalRuntime, admin: Api):
    source = "Hi {{ subscriber.firstName }}, {{ campaign.name }} {{ payload.code }} {{ payload.vip }}{{ payload.a.b }}"
    sent = campaign(admin, {"channel": "email", "content": {"subject": source, "body": "<p>Hi</p>"}})
    subscriber(admin, "user-1", email="ada@example.com")
    trigger_event(admin, sent["identifier"], "user-1", payload={"code": None, "vip": True})
    runtime.drain()
    (email,) = emails_with_subject(runtime, f"Hi , {sent['name']}  true")
    assert "None" not in email.subject


def test_a_novu_trigger_to_a_subscriber_object_upserts_and_sends(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    to = {"subscriberId": "new-1", "email": "grace@example.com", "firstName": "Grace"}
    assert trigger_event(admin, sent["identifier"], to, payload={"code": "F6"}).status == 201
    assert admin.get("/v1/subscribers/new-1").json()["data"]["firstName"] == "Grace"
    runtime.drain()
    (email,) = emails_with_subject(runtime, subject(sent, "F6"))
    assert email.destinations["ToAddresses"] == ["grace@example.com"]


def test_a_novu_trigger_to_a_topic_sends_to_each_member(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    members = [f"member-{index}" for index in range(3)]
    for member in members:
        subscriber(admin, member, email=f"{member}@example.com")
    assert admin.post("/v1/topics", {"key": "beta", "name": "Beta"}).status == 201
    assert admin.post("/v1/topics/beta/subscribers", {"subscribers": members}).status == 200
    trigger_event(admin, sent["identifier"], {"type": "Topic", "topicKey": "beta"}, payload={"code": "G7"})
    runtime.drain()
    addresses = sorted(e.destinations["ToAddresses"][0] for e in emails_with_subject(runtime, subject(sent, "G7")))
    assert addresses == [f"{member}@example.com" for member in members]


def test_a_novu_trigger_to_a_list_sends_to_each_recipient_once(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, SMS_STEP)
    phones = [new_phone(), new_phone()]
    subscriber(admin, "user-1", phone=phones[0])
    to = ["user-1", {"subscriberId": "user-2", "phone": phones[1]}, "user-1"]
    trigger_event(admin, sent["identifier"], to, payload={"code": "H8"})
    runtime.drain()
    assert [texts_to(runtime, phone) for phone in phones] == [["Code H8"], ["Code H8"]]


def test_a_novu_trigger_of_an_unknown_name_is_novus_422_workflow_not_found(admin: Api):
    response = trigger_event(admin, "no-such-workflow", "user-1")
    assert response.status == 422
    assert "workflow_not_found" in response.json()["message"]
    assert "name" in response.json()["errors"]


def test_a_novu_trigger_of_an_inactive_campaign_is_acknowledged_and_queues_nothing(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP, status="draft")
    runtime.drain()
    response = trigger_event(admin, sent["identifier"], "user-1")
    assert (response.status, response.json()["data"]["status"]) == (201, "trigger_not_active")
    assert [job for job in dispatch_queue_messages(runtime) if job["campaignId"] == sent["_id"]] == []


def test_a_novu_trigger_to_more_than_100_recipients_is_a_422_naming_to(admin: Api):
    response = trigger_event(admin, campaign(admin, EMAIL_STEP)["identifier"], [f"s-{i}" for i in range(101)])
    assert (response.status, "to" in response.json()["errors"]) == (422, True)


def test_a_novu_trigger_with_a_bad_subscriber_email_is_a_422_naming_it(admin: Api):
    to = [{"subscriberId": "user-1", "email": "nope"}]
    response = trigger_event(admin, campaign(admin, EMAIL_STEP)["identifier"], to)
    assert response.status == 422
    assert any(field.startswith("to[0]") and field.endswith("email") for field in response.json()["errors"])


def test_a_novu_trigger_in_another_environment_does_not_find_the_campaign(admin: Api):
    other = other_environment_trigger_key(admin)
    response = trigger_event(other, campaign(admin, EMAIL_STEP)["identifier"], "user-1")
    assert response.status == 422
