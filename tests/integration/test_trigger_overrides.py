"""Novu v1's trigger overrides beyond the channel contents: `layoutIdentifier` (the layout of every email step),
`email.integrationIdentifier` / `sms.integrationIdentifier` (the integration that sends), and the email overrides
on SMTP integrations, each seen in what SES, SNS or the SMTP server received."""

import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.smtp_server import SmtpServer
from tests.integration.support.campaigns import campaign, subscriber, trigger_event
from tests.integration.support.delivery import emails_with_subject, new_phone, texts_to
from tests.integration.support.integrations import create, plain, smtp_subjects, the_record
from tests.integration.support.layouts import email_step, layout, unique_subject


def triggered(runtime: LocalRuntime, admin: Api, workflow: dict[str, Any], to: Any = "ada", **fields: Any) -> str:
    transaction_id = f"tx-{uuid.uuid4().hex[:12]}"
    response = trigger_event(admin, workflow["identifier"], to, transactionId=transaction_id, **fields)
    assert response.status == 201, response.json()
    runtime.drain()
    return transaction_id


def refused_fields(response: Any) -> list[str]:
    assert response.status == 422, response.json()
    return sorted(response.json()["errors"])


def details(admin: Api, transaction_id: str, subscriber_id: str = "ada") -> list[str]:
    response = admin.get(f"/v1/execution-details?notificationId={transaction_id}&subscriberId={subscriber_id}")
    assert response.status == 200, response.json()
    return [detail["detail"] for detail in response.json()["data"]]


# layoutIdentifier


def test_a_layout_identifier_wraps_every_email_step_in_that_layout(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    layout(admin, "Default")
    named = layout(admin, "Named", content="<section class='named'>{{ body }}</section>")
    promo = layout(admin, "Promo", content="<div class='promo'>{{{body}}}{{ payload.brand }}</div>")
    steps = [email_step(unique_subject()), email_step(unique_subject(), layoutId=named["_id"])]
    steps.append(email_step(unique_subject(), layoutId=None))
    workflow = campaign(admin, *steps)
    overrides = {"layoutIdentifier": promo["identifier"]}
    triggered(runtime, admin, workflow, payload={"order": 7, "brand": "Acme"}, overrides=overrides)
    for step in steps:
        (email,) = emails_with_subject(runtime, step["content"]["subject"])
        assert email.body == "<div class='promo'><p>Order 7</p>Acme</div>"


def test_an_unknown_layout_identifier_keeps_the_steps_layout_and_the_details_say_so(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    layout(admin, "Default", content="<main>{{{body}}}</main>")
    step = email_step(unique_subject())
    workflow = campaign(admin, step)
    transaction_id = triggered(runtime, admin, workflow, payload={"order": 1}, overrides={"layoutIdentifier": "nope"})
    (email,) = emails_with_subject(runtime, step["content"]["subject"])
    assert email.body == "<main><p>Order 1</p></main>"
    (note,) = [detail for detail in details(admin, transaction_id) if "layoutIdentifier" in detail]
    assert "no layout has the identifier 'nope'" in note and "the step's layout is used" in note
    assert the_record(runtime, admin, transaction_id)["status"] == "sent"


def test_a_layout_identifier_that_is_not_a_string_is_a_422(admin: Api):
    workflow = campaign(admin, email_step(unique_subject()))
    response = trigger_event(admin, workflow["identifier"], "ada", overrides={"layoutIdentifier": 5})
    assert refused_fields(response) == ["overrides.layoutIdentifier"]


# integrationIdentifier


def test_an_email_integration_identifier_sends_through_that_integration(
    runtime: LocalRuntime, admin: Api, smtp: SmtpServer
):
    subscriber(admin, "ada", email="ada@example.com")
    primary = create(admin)  # SES, the one every other message takes
    never = [{"children": [{"field": "plan", "value": "none", "operator": "EQUAL", "on": "payload"}]}]
    chosen = create(admin, providerId="smtp", credentials=plain(smtp.port), conditions=never)
    subject = unique_subject()
    workflow = campaign(admin, email_step(subject))
    overrides = {"email": {"integrationIdentifier": chosen["identifier"]}}
    transaction_id = triggered(runtime, admin, workflow, payload={"order": 2}, overrides=overrides)
    assert smtp_subjects(smtp) == [subject]
    assert emails_with_subject(runtime, subject) == []
    record = the_record(runtime, admin, transaction_id)
    assert (record["providerId"], record["integrationIdentifier"]) == ("smtp", chosen["identifier"])
    assert primary["primary"] is True


def test_an_sms_integration_identifier_sends_through_that_integration(runtime: LocalRuntime, admin: Api):
    phone = new_phone()
    subscriber(admin, "sam", phone=phone)
    create(admin, providerId="sns", channel="sms")
    second = create(admin, providerId="sns", channel="sms")
    workflow = campaign(admin, {"channel": "sms", "content": {"body": "your code"}})
    overrides = {"sms": {"integrationIdentifier": second["identifier"]}}
    transaction_id = triggered(runtime, admin, workflow, to="sam", overrides=overrides)
    assert texts_to(runtime, phone) == ["your code"]
    assert the_record(runtime, admin, transaction_id)["integrationIdentifier"] == second["identifier"]


def test_an_integration_identifier_naming_no_active_integration_is_a_422_and_sends_nothing(
    runtime: LocalRuntime, admin: Api
):
    subscriber(admin, "ada", email="ada@example.com")
    email_integration = create(admin)
    inactive = create(admin, active=False)
    subject = unique_subject()
    workflow = campaign(admin, email_step(subject))
    for overrides, field in (
        ({"email": {"integrationIdentifier": "missing"}}, "overrides.email.integrationIdentifier"),
        ({"email": {"integrationIdentifier": inactive["identifier"]}}, "overrides.email.integrationIdentifier"),
        ({"sms": {"integrationIdentifier": email_integration["identifier"]}}, "overrides.sms.integrationIdentifier"),
    ):
        response = trigger_event(admin, workflow["identifier"], "ada", payload={"order": 3}, overrides=overrides)
        assert refused_fields(response) == [field]
    runtime.drain()
    assert emails_with_subject(runtime, subject) == []


def test_a_bulk_event_naming_an_unknown_integration_is_refused_alone(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    subject = unique_subject()
    workflow = campaign(admin, email_step(subject))
    bad = {"name": workflow["identifier"], "to": "ada", "overrides": {"email": {"integrationIdentifier": "missing"}}}
    good = {"name": workflow["identifier"], "to": "ada", "payload": {"order": 4}}
    response = admin.post("/v1/events/trigger/bulk", {"events": [bad, good]})
    assert response.status == 201, response.json()
    refused, accepted = response.json()["data"]
    assert (refused["status"], accepted["status"]) == ("error", "processed")
    assert "no active email integration has the identifier 'missing'" in refused["error"][0]
    runtime.drain()
    assert len(emails_with_subject(runtime, subject)) == 1


def test_an_integration_deactivated_after_the_trigger_fails_the_message_with_the_reason(
    runtime: LocalRuntime, admin: Api
):
    subscriber(admin, "ada", email="ada@example.com")
    create(admin)
    chosen = create(admin)
    subject = unique_subject()
    workflow = campaign(admin, email_step(subject))
    overrides = {"email": {"integrationIdentifier": chosen["identifier"]}}
    response = trigger_event(admin, workflow["identifier"], "ada", overrides=overrides, transactionId="tx-deactivated")
    assert response.status == 201, response.json()
    assert admin.put(f"/v1/integrations/{chosen['_id']}", {"active": False}).status == 200
    runtime.drain()
    assert emails_with_subject(runtime, subject) == []
    record = the_record(runtime, admin, "tx-deactivated")
    assert record["status"] == "failed"
    reason = f"overrides.email.integrationIdentifier: no active email integration '{chosen['identifier']}'"
    assert f"Message failed: {reason}" in details(admin, "tx-deactivated")


# email overrides on SMTP


def test_email_overrides_apply_on_an_smtp_integration(runtime: LocalRuntime, admin: Api, smtp: SmtpServer):
    subscriber(admin, "ada", email="ada@example.com")
    create(admin, providerId="smtp", credentials=plain(smtp.port))
    subject = unique_subject()
    workflow = campaign(admin, email_step(subject))
    email = {
        "from": "ops@example.com",
        "senderName": "Ops Team",
        "replyTo": "help@example.com",
        "cc": ["cc1@example.com", "cc2@example.com"],
        "bcc": "hidden@example.com",
        "text": "Order 5, in plain text",
    }
    triggered(runtime, admin, workflow, payload={"order": 5}, overrides={"email": email})
    ((mail_from, recipients, message),) = smtp.messages
    assert mail_from == "ops@example.com"
    assert sorted(recipients) == ["ada@example.com", "cc1@example.com", "cc2@example.com", "hidden@example.com"]
    assert message["From"] == "Ops Team <ops@example.com>"
    assert (message["Reply-To"], message["Cc"], message["Bcc"]) == (
        "help@example.com",
        "cc1@example.com, cc2@example.com",
        None,
    )
    text, html = message.get_payload()
    assert (text.get_payload().strip(), html.get_payload().strip()) == ("Order 5, in plain text", "<p>Order 5</p>")


def test_a_malformed_email_override_is_a_422_naming_it(admin: Api):
    workflow = campaign(admin, email_step(unique_subject()))
    email = {"cc": ["cc@example.com", "not-an-address"], "replyTo": 7}
    response = trigger_event(admin, workflow["identifier"], "ada", overrides={"email": email})
    assert refused_fields(response) == ["overrides.email.cc[1]", "overrides.email.replyTo[0]"]
