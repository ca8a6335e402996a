"""Helpers of the journey tests: campaigns with steps, triggers, what was sent, the runs."""

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.ses.models import ses_backends

from local.runtime import LocalRuntime
from tests.integration.conftest import Api


def email(step_id: str, subject: str, body: str = "<p>hi</p>", **fields: Any) -> dict[str, Any]:
    return {"id": step_id, "channel": "email", "content": {"subject": subject, "body": body}} | fields


def journey(admin: Api, *steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"name": f"Journey {uuid.uuid4().hex[:10]}", "steps": list(steps), "status": "active"} | fields
    response = admin.post("/v1/campaigns", body)
    assert response.status == 201, response.json()
    return response.json()["data"]


def subscriber(admin: Api, subscriber_id: str, **fields: Any) -> None:
    fields.setdefault("email", f"{subscriber_id}@example.com")
    response = admin.post("/v1/subscribers", {"subscriberId": subscriber_id} | fields)
    assert response.status == 201, response.json()


def trigger(admin: Api, campaign: dict[str, Any], to: Any, payload: dict[str, Any] | None = None, **fields: Any) -> str:
    body = {"name": campaign["identifier"], "to": to, "payload": payload or {}} | fields
    response = admin.post("/v1/events/trigger", body)
    assert response.status == 201, response.json()
    return str(response.json()["data"]["transactionId"])


def sent_subjects(runtime: LocalRuntime, to: str, prefix: str = "") -> list[str]:
    """The subjects of the emails sent to `to`, in the order sent."""
    backend = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
    return [
        m.subject
        for m in backend.sent_messages
        if m.destinations["ToAddresses"] == [to] and str(m.subject).startswith(prefix)
    ]


def sent_bodies(runtime: LocalRuntime, to: str, prefix: str = "") -> list[str]:
    backend = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
    return [
        str(m.body)
        for m in backend.sent_messages
        if m.destinations["ToAddresses"] == [to] and str(m.subject).startswith(prefix)
    ]


def runs(admin: Api, campaign: dict[str, Any], subscriber_id: str) -> list[dict[str, Any]]:
    response = admin.get(f"/v1/campaigns/{campaign['_id']}/runs?subscriberId={subscriber_id}")
    assert response.status == 200, response.json()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def executions(campaign: dict[str, Any]) -> list[dict[str, Any]]:
    sfn = boto3.client("stepfunctions")
    found = []
    for machine in sfn.list_state_machines()["stateMachines"]:
        if campaign["_id"] in machine["name"]:
            found += sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    return found


def failures(campaign: dict[str, Any]) -> list[dict[str, Any]]:
    """The failure events of the campaign's executions (error and cause), for an assertion's message."""
    sfn = boto3.client("stepfunctions")
    return [
        {"type": event["type"], **next(value for key, value in event.items() if key.endswith("EventDetails"))}
        for execution in executions(campaign)
        for event in sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
        if event["type"].endswith(("Failed", "TimedOut"))
    ]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def quiet_housekeeping(runtime: LocalRuntime) -> Iterator[None]:
    """Journey tests move the clock by hours or months: the 15-minute housekeeping rule would fire (and sweep every
    other test's data) for each quarter hour skipped. Off while the test runs; on again without catching up."""
    events = boto3.client("events")
    names = [
        rule["Name"]
        for rule in events.list_rules()["Rules"]
        if rule.get("ScheduleExpression") and rule.get("State") == "ENABLED"
    ]
    for name in names:
        events.disable_rule(Name=name)
    yield
    for name in names:
        events.enable_rule(Name=name)
