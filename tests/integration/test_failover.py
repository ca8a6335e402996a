"""Integrations at delivery time: the chosen provider per message (conditions, primary), SMTP end to end, and
failover from a failing provider to the next, as the execution details tell it."""

from typing import Any

import pytest

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.smtp_server import free_port
from tests.integration.support.campaigns import EMAIL_STEP, campaign, subscriber
from tests.integration.support.delivery import emails_with_subject
from tests.integration.support.integrations import create, plain, smtp_subjects, the_record, trigger

PRO_ONLY = [{"value": "AND", "children": [{"field": "plan", "value": "pro", "operator": "EQUAL", "on": "payload"}]}]


@pytest.fixture
def workflow(admin: Api) -> dict[str, Any]:
    subscriber(admin, "ada", email="ada@example.com", data={"tier": "gold"})
    return campaign(admin, EMAIL_STEP)


def test_an_email_is_sent_through_the_smtp_integration(runtime: LocalRuntime, admin: Api, workflow, smtp):
    integration = create(admin, providerId="smtp", credentials=plain(smtp.port))
    sent_subject, transaction_id = trigger(runtime, admin, workflow)
    ((mail_from, to, message),) = smtp.messages
    assert (mail_from, to, message["Subject"]) == ("news@example.com", ["ada@example.com"], sent_subject)
    assert "<p>Hi</p>" in message.get_payload()[1].get_payload()
    assert emails_with_subject(runtime, sent_subject) == []
    record = the_record(runtime, admin, transaction_id)
    assert (record["status"], record["providerId"], record["integrationIdentifier"]) == (
        "sent",
        "smtp",
        integration["identifier"],
    )


def test_a_matching_condition_picks_an_integration_over_the_primary(runtime: LocalRuntime, admin: Api, workflow, smtp):
    primary = create(admin)  # SES
    create(admin, providerId="smtp", credentials=plain(smtp.port), conditions=PRO_ONLY)
    assert primary["primary"] is True
    pro_subject, _ = trigger(runtime, admin, workflow, plan="pro")
    free_subject, free_tx = trigger(runtime, admin, workflow, plan="free")
    assert smtp_subjects(smtp) == [pro_subject]
    assert len(emails_with_subject(runtime, free_subject)) == 1
    assert the_record(runtime, admin, free_tx)["integrationIdentifier"] == primary["identifier"]


def test_a_subscriber_condition_routes_too(runtime: LocalRuntime, admin: Api, workflow, smtp):
    create(admin)
    tiers = [{"children": [{"field": "data.tier", "value": "gold,platinum", "operator": "IN", "on": "subscriber"}]}]
    smtp_integration = create(admin, providerId="smtp", credentials=plain(smtp.port), conditions=tiers)
    gold_subject, _ = trigger(runtime, admin, workflow)
    assert smtp_subjects(smtp) == [gold_subject]
    tiers[0]["children"][0]["value"] = "platinum"
    assert admin.put(f"/v1/integrations/{smtp_integration['_id']}", {"conditions": tiers}).status == 200
    other_subject, _ = trigger(runtime, admin, workflow)
    assert smtp_subjects(smtp) == [gold_subject]
    assert len(emails_with_subject(runtime, other_subject)) == 1


def test_when_no_active_integration_matches_the_message_is_skipped(runtime: LocalRuntime, admin: Api, workflow):
    create(admin, conditions=PRO_ONLY)
    sent_subject, transaction_id = trigger(runtime, admin, workflow, plan="free")
    record = the_record(runtime, admin, transaction_id)
    assert (record["status"], record["history"][-1]["reason"]) == ("skipped", "no active integration matches")
    assert emails_with_subject(runtime, sent_subject) == []


def test_a_failing_smtp_server_fails_over_to_ses_and_the_execution_details_say_so(
    runtime: LocalRuntime, admin: Api, workflow
):
    failing = create(admin, providerId="smtp", credentials=plain(free_port()))
    backup = create(admin)
    sent_subject, transaction_id = trigger(runtime, admin, workflow)
    assert len(emails_with_subject(runtime, sent_subject)) == 1
    record = the_record(runtime, admin, transaction_id)
    assert (record["status"], record["providerId"], record["integrationIdentifier"]) == (
        "sent",
        "ses",
        backup["identifier"],
    )
    response = admin.get(f"/v1/execution-details?notificationId={transaction_id}&subscriberId=ada")
    details = [detail["detail"] for detail in response.json()["data"]]
    (failover,) = [detail for detail in details if "takes over" in detail]
    assert failing["identifier"] in failover and "ConnectionRefusedError" in failover
    assert f"ses integration '{backup['identifier']}' takes over" in failover


def test_a_permanent_failure_is_not_failed_over(runtime: LocalRuntime, admin: Api, workflow, smtp):
    create(admin, credentials={"from": "someone@unverified.example"})  # SES refuses this sender: permanent
    create(admin, providerId="smtp", credentials=plain(smtp.port))
    _, transaction_id = trigger(runtime, admin, workflow)
    assert smtp.messages == []
    assert the_record(runtime, admin, transaction_id)["status"] == "failed"


def test_without_integrations_the_stack_default_sends(runtime: LocalRuntime, admin: Api, workflow):
    sent_subject, transaction_id = trigger(runtime, admin, workflow)
    assert len(emails_with_subject(runtime, sent_subject)) == 1
    assert "integrations" not in the_record(runtime, admin, transaction_id)
