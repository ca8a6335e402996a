"""SES bounce and complaint notifications (clarion.suppressions.ses_feedback and the SesFeedbackFunction handler on
the in-memory store): a permanent bounce and a complaint suppress the addresses in the environment the message's
tag names, once however often SNS delivers them; a transient bounce, a delivery, or a message without the tag does
not."""

import copy
import json
import uuid
from typing import Any

import pytest
from ses_feedback import handler
from ses_feedback.handler import lambda_handler

from clarion.principal import Principal
from clarion.suppressions import service
from clarion.suppressions.ses_feedback import ENVIRONMENT_TAG, feedback_of
from tests.conftest import load_event


@pytest.fixture(autouse=True)
def metrics_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The template's POWERTOOLS_METRICS_NAMESPACE, which the handler's metrics read when the module loads."""
    monkeypatch.setattr(handler.metrics.provider, "namespace", "Clarion")


def sns_event(environment_id: str | None, **changes: Any) -> dict[str, Any]:
    event = load_event("ses_feedback/bounce.json")
    notification = json.loads(event["Records"][0]["Sns"]["Message"])
    notification |= changes
    if environment_id is None:
        del notification["mail"]["tags"][ENVIRONMENT_TAG]
    else:
        notification["mail"]["tags"][ENVIRONMENT_TAG] = [environment_id]
    event["Records"][0]["Sns"]["Message"] = json.dumps(notification)
    return event


def notification(**changes: Any) -> dict[str, Any]:
    event = load_event("ses_feedback/bounce.json")
    return json.loads(event["Records"][0]["Sns"]["Message"]) | changes


def test_a_permanent_bounce_suppresses_each_bounced_recipient_lower_cased() -> None:
    feedback = feedback_of(notification())
    assert feedback.environment_id == "ENVIRONMENT_ID"
    assert [(e.channel, e.address, e.reason) for e in feedback.entries] == [("email", "bounced@example.com", "bounce")]


@pytest.mark.parametrize("bounce_type", ["Transient", "Undetermined"])
def test_a_transient_or_undetermined_bounce_suppresses_nothing(bounce_type: str) -> None:
    bounced = copy.deepcopy(notification())
    bounced["bounce"]["bounceType"] = bounce_type
    assert feedback_of(bounced).entries == []


def test_a_complaint_suppresses_the_complaining_recipients_also_as_a_configuration_set_event() -> None:
    complaint = {"complainedRecipients": [{"emailAddress": "angry@example.com"}, {"emailAddress": "not an address"}]}
    for kind in ({"notificationType": "Complaint"}, {"eventType": "Complaint"}):
        body = {k: v for k, v in notification().items() if k not in ("notificationType", "bounce")}
        feedback = feedback_of(body | kind | {"complaint": complaint})
        assert [(e.address, e.reason) for e in feedback.entries] == [("angry@example.com", "complaint")]


def test_a_delivery_suppresses_nothing() -> None:
    assert feedback_of({"notificationType": "Delivery", "mail": {}}).entries == []


def test_the_function_suppresses_once_however_often_sns_delivers(memory_tables, lambda_context) -> None:
    caller = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    assert lambda_handler(sns_event(caller.environment_id), lambda_context) == {"added": 1, "unattributed": 0}
    assert lambda_handler(sns_event(caller.environment_id), lambda_context) == {"added": 0, "unattributed": 0}
    found = service.get_suppression(caller, "email", "bounced@example.com")
    assert (found.reason, found.source) == ("bounce", "ses")


def test_a_notification_without_the_environment_tag_suppresses_nothing(memory_tables, lambda_context) -> None:
    assert lambda_handler(sns_event(None), lambda_context) == {"added": 0, "unattributed": 1}
