"""Novu's published Python SDK (novu 1.14.0, from PyPI) drives Clarion unchanged.

The SDK speaks HTTP through a requests.Session whose adapter hands each request to the local gateway in-process
(tests/integration/support/novu_sdk.py), so every call still goes gateway → authorizer → handler → moto. The SDK's other
classes: test_novu_sdk_classes.py and the test_novu_sdk_*.py modules.
"""

import pytest
import requests
from novu.api import SubscriberApi, TopicApi
from novu.dto.subscriber import SubscriberDto
from novu.enums import Channel, MarkAsEnum, MessageActionStatus

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.inbox import deliver
from tests.integration.support.novu_sdk import BASE_URL, GatewayAdapter, gateway_session
from tests.integration.support.preferences import put_campaign


@pytest.fixture
def sdk(runtime: LocalRuntime, admin: Api) -> tuple[SubscriberApi, TopicApi, GatewayAdapter]:
    session, adapter = gateway_session(runtime)
    return SubscriberApi(BASE_URL, admin.key, session=session), TopicApi(BASE_URL, admin.key, session=session), adapter


def test_the_sdk_creates_gets_updates_lists_and_deletes_subscribers(sdk):
    subscribers, _, adapter = sdk
    created = subscribers.create(SubscriberDto(subscriber_id="ada", email="ada@example.com", first_name="Ada"))
    assert (created.subscriber_id, created.email, created.first_name) == ("ada", "ada@example.com", "Ada")
    assert subscribers.get("ada").first_name == "Ada"

    # the SDK sends every unset field as null: Novu (and Clarion) keep them, except email, which null clears
    updated = subscribers.put(SubscriberDto(subscriber_id="ada", last_name="Lovelace", email="ada@example.org"))
    assert (updated.first_name, updated.last_name, updated.email) == ("Ada", "Lovelace", "ada@example.org")

    subscribers.create(SubscriberDto(subscriber_id="bob"))
    listed = subscribers.list()
    assert listed.total_count == 2
    assert sorted(s.subscriber_id for s in listed.data) == ["ada", "bob"]
    assert sorted(s.subscriber_id for s in subscribers.stream()) == ["ada", "bob"]

    subscribers.delete("bob")
    with pytest.raises(requests.HTTPError) as missing:
        subscribers.get("bob")
    assert missing.value.response.status_code == 404
    assert ("PUT", "/v1/subscribers/ada") in adapter.sent


def test_the_sdk_bulk_creates_and_reports_each_subscriber(sdk):
    subscribers, _, _ = sdk
    subscribers.create(SubscriberDto(subscriber_id="old"))
    result = subscribers.bulk_create([SubscriberDto(subscriber_id="new"), SubscriberDto(subscriber_id="old")])
    assert [s.subscriber_id for s in result.created] == ["new"]
    assert [s.subscriber_id for s in result.updated] == ["old"]
    assert result.failed == []


def test_the_sdk_sets_and_deletes_credentials_and_online_status(sdk):
    subscribers, _, _ = sdk
    subscribers.create(SubscriberDto(subscriber_id="ada"))
    with_webhook = subscribers.credentials("ada", "slack", webhook_url="https://hooks.example.com/T1")
    assert with_webhook.channels[0].provider_id == "slack"
    assert with_webhook.channels[0].credentials.webhook_url == "https://hooks.example.com/T1"
    with_tokens = subscribers.credentials("ada", "fcm", device_tokens=["token-1", "token-2"])
    assert {c.provider_id for c in with_tokens.channels} == {"slack", "fcm"}

    subscribers.delete_credentials("ada", "slack")
    assert [c.provider_id for c in subscribers.get("ada").channels] == ["fcm"]
    offline = subscribers.online_status("ada", False)
    assert offline.is_online is False
    assert offline.last_online_at


def test_the_sdk_reads_and_changes_preferences(sdk, runtime, admin: Api):
    subscribers, _, _ = sdk
    campaign = put_campaign(runtime, admin, "c" * 24)
    subscribers.create(SubscriberDto(subscriber_id="ada"))

    before = list(subscribers.preferences("ada"))
    assert [p.template._id for p in before] == [campaign["_id"]]
    assert before[0].preference.channels.email is True

    changed = subscribers.change_channel_preference("ada", campaign["_id"], Channel.EMAIL, False)
    assert changed.preference.channels.email is False
    turned_off = subscribers.change_preference_state("ada", campaign["_id"], False)
    assert turned_off.preference.enabled is False
    assert next(iter(subscribers.preferences("ada"))).preference.enabled is False


def test_the_sdk_manages_topics_and_their_subscribers(sdk):
    subscribers, topics, _ = sdk
    subscribers.create(SubscriberDto(subscriber_id="ada"))
    assert topics.create("news", "News").key == "news"
    assert [t.key for t in topics.list().data] == ["news"]
    assert topics.rename("news", "Newsletter").name == "Newsletter"

    succeeded, failed = topics.subscribe("news", ["ada", "ghost"])
    assert succeeded == ["ada"]
    assert failed == {"notFound": ["ghost"]}
    assert topics.get("news").subscribers == ["ada"]
    assert topics.subscribed("news", "ada") is True

    topics.unsubscribe("news", ["ada"])
    assert topics.subscribed("news", "ada") is False
    topics.delete("news")
    with pytest.raises(requests.HTTPError):
        topics.get("news")


def test_the_sdk_counts_marks_and_acts_on_inbox_messages(sdk, runtime, admin: Api):
    subscribers, _, _ = sdk
    subscribers.create(SubscriberDto(subscriber_id="user-1"))
    first = deliver(runtime, admin)
    deliver(runtime, admin)
    assert subscribers.unseen_notifications("user-1") == 2

    marked = subscribers.mark_as("user-1", first["_id"], seen=True)
    assert (marked._id, marked.seen) == (first["_id"], True)
    assert subscribers.unseen_notifications("user-1") == 1

    acted = subscribers.mark_message_action("user-1", first["_id"], "primary", MessageActionStatus.DONE, {"ok": 1})
    assert acted.cta["action"]["status"] == "done"
    assert subscribers.mark_all_as("user-1", MarkAsEnum.SEEN) == 1
    assert subscribers.unseen_notifications("user-1") == 0
