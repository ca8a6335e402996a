"""Suppressions (/v1/suppressions) through the whole path: gateway → authorizer → suppressions function → DynamoDB
on moto: added per entry, listed per channel, checked one address at a time (URL-encoded), lifted; another
environment's key finds none of it. A trigger (dispatcher → senders → what SES and SNS recorded) sends nothing to a
suppressed email address or phone, even for a critical campaign, and the execution details say why."""

import json
import uuid
from typing import Any
from urllib.parse import quote

from local import clients
from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.journeys import email, journey, runs, sent_subjects, trigger, unique
from tests.integration.journeys import subscriber as journey_subscriber
from tests.integration.support.campaigns import PAYLOAD_EMAIL_STEP, campaign, subject, subscriber, trigger_event
from tests.integration.support.delivery import emails_with_subject, new_phone, texts_to

SMS_STEP = {"channel": "sms", "content": {"body": "Code {{ payload.code }}"}}


def suppress(api: Api, *entries: dict[str, str]) -> list[dict[str, str]]:
    response = api.post("/v1/suppressions", {"suppressions": list(entries)})
    assert response.status == 200, response.json()
    results: list[dict[str, str]] = response.json()["data"]["results"]
    return results


def test_added_addresses_are_reported_per_entry_listed_and_checked(admin: Api):
    results = suppress(
        admin,
        {"channel": "email", "address": "Ada@Example.com", "reason": "bounce"},
        {"channel": "sms", "address": "+14155550100", "reason": "unsubscribe"},
        {"channel": "email", "address": "ada@example.com"},
    )
    assert [(r["address"], r["status"]) for r in results] == [
        ("ada@example.com", "added"),
        ("+14155550100", "added"),
        ("ada@example.com", "existing"),
    ]
    page = admin.get("/v1/suppressions?channel=email&page=0&limit=10").json()
    assert (page["totalCount"], [s["address"] for s in page["data"]]) == (1, ["ada@example.com"])
    checked = admin.get(f"/v1/suppressions/sms/{quote('+14155550100', safe='')}")
    assert checked.status == 200, checked.json()
    assert {k: checked.json()["data"][k] for k in ("channel", "reason", "source")} == {
        "channel": "sms",
        "reason": "unsubscribe",
        "source": "api",
    }
    assert admin.get("/v1/suppressions/email/ADA%40example.com").json()["data"]["reason"] == "bounce"


def test_a_lifted_suppression_is_a_404_when_checked_or_lifted_again(admin: Api):
    suppress(admin, {"channel": "email", "address": "bob@example.com"})
    assert admin.delete("/v1/suppressions/email/bob@example.com").status == 204
    for response in (
        admin.get("/v1/suppressions/email/bob@example.com"),
        admin.delete("/v1/suppressions/email/bob@example.com"),
    ):
        assert response.status == 404
        assert "address" in response.json()["errors"]
    assert admin.get("/v1/suppressions?channel=email").json()["totalCount"] == 0


def test_a_malformed_entry_is_a_422_naming_its_field(admin: Api):
    response = admin.post("/v1/suppressions", {"suppressions": [{"channel": "sms", "address": "call me"}]})
    assert response.status == 422
    assert any("address" in field for field in response.json()["errors"]), response.json()
    assert admin.get("/v1/suppressions/push/abc").status == 422
    assert admin.get("/v1/suppressions/sms/12345").status == 422


def test_another_environment_sees_nothing_of_a_suppression(admin: Api, other_admin: Api):
    suppress(admin, {"channel": "email", "address": "carol@example.com"})
    assert other_admin.get("/v1/suppressions/email/carol@example.com").status == 404
    assert other_admin.delete("/v1/suppressions/email/carol@example.com").status == 404
    assert other_admin.get("/v1/suppressions?channel=email").json()["data"] == []
    assert admin.get("/v1/suppressions/email/carol@example.com").status == 200


# the engine


def send(runtime: LocalRuntime, admin: Api, code: str, **fields: Any) -> tuple[dict[str, Any], str]:
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, SMS_STEP, **fields)
    response = trigger_event(admin, sent["identifier"], "ada", payload={"code": code})
    assert response.status == 201, response.json()
    runtime.drain()
    return sent, response.json()["data"]["transactionId"]


def details(admin: Api, transaction_id: str, channel: str) -> list[dict[str, Any]]:
    response = admin.get(f"/v1/execution-details?notificationId={transaction_id}&subscriberId=ada")
    assert response.status == 200, response.json()
    return [detail for detail in response.json()["data"] if detail["channel"] == channel]


def test_a_suppressed_email_address_is_not_sent_to_and_the_details_say_why(runtime: LocalRuntime, admin: Api):
    phone = new_phone()
    subscriber(admin, "ada", email="Ada@Example.com", phone=phone)
    suppress(admin, {"channel": "email", "address": "ada@example.com", "reason": "bounce"})
    code = f"E-{uuid.uuid4().hex[:6]}"
    sent, transaction_id = send(runtime, admin, code, critical=True)
    assert emails_with_subject(runtime, subject(sent, code)) == []
    assert f"Code {code}" in texts_to(runtime, phone)
    (filtered,) = details(admin, transaction_id, "email")
    assert filtered["detail"].startswith("Message filtered: ")
    assert "address is suppressed (bounce, source api" in filtered["detail"]


def test_a_suppressed_phone_is_not_sent_to_and_a_lifted_one_is_again(runtime: LocalRuntime, admin: Api):
    phone = new_phone()
    subscriber(admin, "ada", email="ada@example.com", phone=phone)
    suppress(admin, {"channel": "sms", "address": phone, "reason": "unsubscribe"})
    code = f"S-{uuid.uuid4().hex[:6]}"
    sent, transaction_id = send(runtime, admin, code)
    assert f"Code {code}" not in texts_to(runtime, phone)
    assert len(emails_with_subject(runtime, subject(sent, code))) == 1
    assert "address is suppressed (unsubscribe" in details(admin, transaction_id, "sms")[0]["detail"]
    assert admin.delete(f"/v1/suppressions/sms/{quote(phone, safe='')}").status == 204
    again = f"A-{uuid.uuid4().hex[:6]}"
    response = trigger_event(admin, sent["identifier"], "ada", payload={"code": again})
    assert response.status == 201, response.json()
    runtime.drain()
    assert f"Code {again}" in texts_to(runtime, phone)


def test_a_journey_holds_back_its_sends_to_a_suppressed_address(runtime: LocalRuntime, admin: Api):
    tag = unique("J")
    ada, bob = unique("ada"), unique("bob")
    for name in (ada, bob):
        journey_subscriber(admin, name)
    suppress(admin, {"channel": "email", "address": f"{bob}@example.com", "reason": "complaint"})
    created = journey(
        admin,
        email("welcome", f"{tag} welcome"),
        {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "hours"}},
        email("followup", f"{tag} follow-up"),
    )
    trigger(admin, created, [ada, bob])
    runtime.drain()
    assert sent_subjects(runtime, f"{ada}@example.com", tag) == [f"{tag} welcome", f"{tag} follow-up"]
    assert sent_subjects(runtime, f"{bob}@example.com", tag) == []
    [run] = runs(admin, created, bob)
    assert [(entry["step"], entry["status"]) for entry in run["history"]] == [
        ("welcome", "filtered"),
        ("followup", "filtered"),
    ]


# SES feedback


def publish_ses_notification(runtime: LocalRuntime, environment_id: str, address: str, bounce_type: str) -> None:
    """A real-shaped SES bounce notification, published to the stack's SES feedback topic on moto."""
    notification = json.loads(load_event("ses_feedback/bounce.json")["Records"][0]["Sns"]["Message"])
    notification["bounce"]["bounceType"] = bounce_type
    notification["bounce"]["bouncedRecipients"][0]["emailAddress"] = address
    notification["mail"]["tags"]["clarion-environment"] = [environment_id]
    sns = clients.client("sns", runtime.stack.resolver.region)
    sns.publish(TopicArn=runtime.stack.resources.topics["SesFeedbackTopic"], Message=json.dumps(notification))
    runtime.drain()


def test_an_ses_permanent_bounce_through_sns_suppresses_the_address_and_the_next_send(
    runtime: LocalRuntime, admin: Api
):
    subscriber(admin, "ada", email="ada@example.com", phone=new_phone())
    publish_ses_notification(runtime, admin.environment_id, "Ada@example.com", "Permanent")
    found = admin.get("/v1/suppressions/email/ada@example.com")
    assert found.status == 200, found.json()
    assert {k: found.json()["data"][k] for k in ("reason", "source")} == {"reason": "bounce", "source": "ses"}
    code = f"B-{uuid.uuid4().hex[:6]}"
    sent, _ = send(runtime, admin, code)
    assert emails_with_subject(runtime, subject(sent, code)) == []


def test_an_ses_transient_bounce_through_sns_suppresses_nothing(runtime: LocalRuntime, admin: Api):
    publish_ses_notification(runtime, admin.environment_id, "ada@example.com", "Transient")
    assert admin.get("/v1/suppressions/email/ada@example.com").status == 404
