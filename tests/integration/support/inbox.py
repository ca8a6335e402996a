"""In-app messages in subscribers' inboxes: delivered through the engine or put there as the engine puts them, and
read back from the feed."""

from typing import Any

from local.runtime import LocalRuntime
from tests.integration.support.api import Api
from tests.integration.support.campaigns import trigger_event

IN_APP_STEP = {"channel": "in_app", "content": {"body": "Offer {{ payload.code }}"}}
DAY = 24 * 3600


def feed(api: Api, subscriber_id: str) -> list[str]:
    """The contents of the subscriber's feed, as the API lists them."""
    response = api.get(f"/v1/subscribers/{subscriber_id}/notifications/feed")
    assert response.status == 200, response.json()
    return [message["content"] for message in response.json()["data"]]


def delivered(runtime: LocalRuntime, admin: Api, sent: dict[str, Any], code: str, *to: str) -> None:
    """The campaign triggered for `to` with `code` in its payload, drained."""
    assert trigger_event(admin, sent["identifier"], list(to), payload={"code": code}).status == 201
    runtime.drain()


def deliver(runtime: LocalRuntime, api: Api, subscriber_id: str = "user-1", **message: Any) -> dict[str, Any]:
    """An in-app message put in the inbox the way the delivery engine puts it."""
    with runtime.registry.environment_of("SubscribersFunction"):
        from clarion.inbox.repository import InboxRepository

        fields = {"content": "Hello", "payload": {}, "templateIdentifier": "welcome", "transactionId": "t-1"}
        return InboxRepository().put_message(api.environment_id, subscriber_id, fields | message)
