"""Campaigns, subscribers and triggers made through the API, and the delivery records they leave."""

import json
import uuid
from typing import Any

from clarion.store.keys import record_pk
from local.runtime import LocalRuntime
from tests.integration.support.api import Api

CAMPAIGNS = "/v1/campaigns"
UNKNOWN_ID = "0" * 24
EMAIL_STEP = {"channel": "email", "content": {"subject": "{{ campaign.name }} {{ event.code }}", "body": "<p>Hi</p>"}}
SMS_STEP = {"channel": "sms", "content": {"body": "Code {{ event.code }}"}}
PAYLOAD_EMAIL_STEP = {
    "channel": "email",
    "content": {"subject": "{{ campaign.name }} {{ payload.code }}", "body": "<p>Hi</p>"},
}
"""An email step whose subject names the code of the trigger's payload (EMAIL_STEP's names the event's)."""


def campaign(admin: Api, *steps: dict[str, Any], status: str = "active", **fields: Any) -> dict[str, Any]:
    """A campaign with a unique name, so what it sends can be told from every other test's."""
    body = {"name": f"Campaign {uuid.uuid4().hex[:10]}", "steps": list(steps), "status": status} | fields
    response = admin.post(CAMPAIGNS, body)
    assert response.status == 201, response.json()
    return response.json()["data"]


def scheduled_campaign(admin: Api, *steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An active campaign named `Scheduled …` (unique, as campaign's)."""
    return campaign(admin, *steps, **({"name": f"Scheduled {uuid.uuid4().hex[:10]}"} | fields))


def subscriber(admin: Api, subscriber_id: str, **fields: Any) -> None:
    response = admin.post("/v1/subscribers", {"subscriberId": subscriber_id} | fields)
    assert response.status == 201, response.json()


def trigger_event(api: Api, name: str, to: Any, **fields: Any) -> Any:
    return api.post("/v1/events/trigger", {"name": name, "to": to} | fields)


def trigger_with_code(admin: Api, sent_campaign: dict[str, Any], to: list[str], code: str) -> None:
    """The campaign's event triggered for `to`, with `code` in the payload (accepted, not yet drained)."""
    body = {"name": sent_campaign["identifier"], "to": to, "payload": {"code": code}}
    assert admin.post("/v1/events/trigger", body).status == 201


def subject(sent_campaign: dict[str, Any], code: str) -> str:
    return f"{sent_campaign['name']} {code}"


def operation(api: Api, campaign_id: str, name: str, body: Any = None) -> Any:
    return api.post(f"{CAMPAIGNS}/{campaign_id}/{name}", body)


def records(runtime: LocalRuntime, api: Api) -> list[dict[str, Any]]:
    """The delivery records of the api's environment."""
    prefix = record_pk(api.environment_id, "")
    return [item for item in runtime.scan_table("MessagesTable") if item["pk"].startswith(prefix)]


def dispatch_queue_messages(runtime: LocalRuntime) -> list[dict[str, Any]]:
    """The jobs waiting in the dispatch queue (received without consuming them)."""
    from clarion.aws import client

    with runtime.registry.environment_of("DispatcherFunction"):
        response = client("sqs").receive_message(
            QueueUrl=runtime.resources.queues["DispatchQueue"], MaxNumberOfMessages=10, VisibilityTimeout=0
        )
    return [json.loads(message["Body"]) for message in response.get("Messages", [])]
