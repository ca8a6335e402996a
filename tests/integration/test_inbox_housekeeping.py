"""Inbox items through the engine: housekeeping deletes the expired ones (InboxExpiryIndex, through the real rule),
and the feed is newest first by creation time although the engine's message ids are hashes."""

import uuid
from typing import Any

import pytest

from clarion.store.keys import inbox_pk
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import campaign, subscriber, trigger_event
from tests.integration.support.inbox import DAY, IN_APP_STEP, delivered, feed


def inbox_items(runtime: LocalRuntime, api: Api, subscriber_id: str) -> list[dict[str, Any]]:
    prefix = inbox_pk(api.environment_id, subscriber_id)
    return [item for item in runtime.scan_table("MessagesTable") if item["pk"] == prefix]


@pytest.fixture
def no_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local runtime emulates DynamoDB's TTL: off, so only housekeeping can delete."""
    monkeypatch.setattr("local.event_sources.delete_expired", lambda *_, **__: 0)


def test_housekeeping_deletes_expired_inbox_items_and_keeps_the_others(runtime: LocalRuntime, admin: Api, no_ttl):
    subscriber(admin, "ada")
    short, long = campaign(admin, IN_APP_STEP, inboxExpiryDays=1), campaign(admin, IN_APP_STEP, inboxExpiryDays=3)
    delivered(runtime, admin, short, "S", "ada")
    delivered(runtime, admin, long, "L", "ada")
    assert {item["content"] for item in inbox_items(runtime, admin, "ada")} == {"Offer S", "Offer L"}
    assert all(item["expiryKey"].startswith("INBOX_EXPIRY#") for item in inbox_items(runtime, admin, "ada"))

    runtime.clock.advance(DAY + 2 * 3600)  # the short one's expiry hour is over
    runtime.drain()
    assert [item["content"] for item in inbox_items(runtime, admin, "ada")] == ["Offer L"]
    assert feed(admin, "ada") == ["Offer L"]


def test_the_feed_is_newest_first_by_creation_time_for_engine_messages(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada")
    offer = campaign(admin, IN_APP_STEP)
    codes = [f"{number}-{uuid.uuid4().hex[:4]}" for number in range(6)]
    for code in codes:
        assert trigger_event(admin, offer["identifier"], ["ada"], payload={"code": code}).status == 201
        runtime.drain()
        runtime.clock.advance(1)
    items = inbox_items(runtime, admin, "ada")
    assert sorted(item["_id"] for item in items) != [
        item["_id"] for item in sorted(items, key=lambda i: i["createdAt"])
    ]
    assert feed(admin, "ada") == [f"Offer {code}" for code in reversed(codes)]
    response = admin.get("/v1/subscribers/ada/notifications/feed?page=1&limit=4")
    assert [message["content"] for message in response.json()["data"]] == [f"Offer {codes[1]}", f"Offer {codes[0]}"]
