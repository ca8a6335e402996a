"""The engine honours subscription status and consent (clarion.subscriptions.rules through
clarion.engine.messages.records_for): a marketing campaign's record on a channel the profile unsubscribed from, or for
a purpose whose consent it withdrew, is `filtered` with the reason; a transactional or critical campaign, a channel
still subscribed or never set, and a purpose never recorded all send. The rule reads only the profile the engine
already holds."""

from typing import Any

import pytest

from clarion.engine.job_types import TriggerContext
from clarion.engine.messages import records_for
from clarion.ids import new_id
from clarion.subscriptions.rules import purpose_of, refusal

EMAIL_STEP = {"channel": "email", "content": {"subject": "Sale", "body": "<p>20% off</p>"}}
SMS_STEP = {"channel": "sms", "content": {"body": "20% off"}}
AT = "2026-12-01T10:00:00.000Z"
ADA = {"subscriberId": "ada", "email": "ada@example.com", "phone": "+14155550100"}


def unsubscribed(channel: str, source: str = "unsubscribe_link") -> dict[str, Any]:
    return {"subscriptions": {channel: {"status": "unsubscribed", "at": AT, "source": source}}}


def consent(purpose: str, granted: bool) -> dict[str, Any]:
    return {"consent": {purpose: {"granted": granted, "at": AT, "source": "preference_center"}}}


def statuses(profile: dict[str, Any], **campaign_fields: Any) -> dict[str, tuple[str, str | None]]:
    job = TriggerContext(environmentId=new_id(), campaignId=new_id(), transactionId=new_id(), payload={})
    campaign = {"_id": new_id(), "identifier": "sale", "name": "Sale", "version": 1, "steps": [EMAIL_STEP, SMS_STEP]}
    records = records_for(job, campaign | campaign_fields, "ada", ADA | profile, dict)  # type: ignore[arg-type]
    return {r["channel"]: (r["status"], r["history"][-1].get("reason")) for r in records}


def test_a_marketing_message_skips_the_unsubscribed_channel_saying_why(memory_tables):
    outcome = statuses(unsubscribed("email"))
    status, reason = outcome["email"]
    assert status == "filtered"
    assert "unsubscribed from email" in reason and "unsubscribe_link" in reason and AT in reason
    assert reason.endswith("the campaign's purpose is marketing")
    assert outcome["sms"][0] == "queued"


@pytest.mark.parametrize("fields", [{"purpose": "transactional"}, {"critical": True}])
def test_a_transactional_or_critical_message_goes_to_an_unsubscribed_channel(memory_tables, fields):
    outcome = statuses(unsubscribed("email") | consent("marketing", False), **fields)
    assert {status for status, _ in outcome.values()} == {"queued"}


@pytest.mark.parametrize("status", ["subscribed", "unknown"])
def test_a_subscribed_or_unknown_channel_receives_marketing(memory_tables, status):
    profile = {"subscriptions": {"email": {"status": status, "at": AT, "source": "api"}}}
    assert statuses(profile)["email"][0] == "queued"


def test_withdrawn_marketing_consent_filters_every_channel_of_a_marketing_message(memory_tables):
    outcome = statuses(consent("marketing", False))
    assert {status for status, _ in outcome.values()} == {"filtered"}
    assert "has not consented to marketing" in outcome["email"][1]


def test_granted_consent_or_none_recorded_lets_marketing_through(memory_tables):
    assert statuses(consent("marketing", True))["email"][0] == "queued"
    assert statuses({})["email"][0] == "queued"


def test_a_campaign_with_its_own_purpose_reads_the_consent_to_that_purpose(memory_tables):
    withdrawn = consent("newsletter", False)
    assert statuses(withdrawn, purpose="newsletter")["email"][0] == "filtered"
    assert statuses(withdrawn)["email"][0] == "queued"  # marketing's consent was never withdrawn


def test_a_campaign_saved_before_purposes_is_marketing():
    assert purpose_of({"_id": "c", "purpose": None}) == "marketing"  # type: ignore[typeddict-item]
    assert purpose_of({"_id": "c", "critical": True, "purpose": "marketing"}) == "transactional"  # type: ignore[typeddict-item]


def test_the_rule_reads_nothing_but_the_profile():
    assert refusal({"_id": "c"}, "email", {}) is None  # type: ignore[typeddict-item]
