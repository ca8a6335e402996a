"""clarion.subscriptions.service on the in-memory store: every channel's subscription status (unknown until set) and
the consent recorded per purpose, each change with its time and source, kept on the profile item (which the profile
answer shows); and the refusals of bad bodies, naming the field, through the subscribers function."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from clarion.aws import client
from clarion.dynamo import from_item, to_item
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.lists import service as lists
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.keys import PROFILE_SK, subscriber_pk
from clarion.subscribers import service as subscribers
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscriptions import service
from clarion.subscriptions.models import MAX_PURPOSES, UpdateConsentRequest, UpdateSubscriptionsRequest
from tests.unit.conftest import call_route

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


@pytest.fixture
def ada(caller: Principal) -> str:
    subscribers.create_subscriber(caller, CreateSubscriberRequest(subscriberId="ada", email="ada@example.com"))
    return "ada"


def change_subscriptions(caller: Principal, subscriber_id: str, changes: dict) -> dict:
    request = UpdateSubscriptionsRequest.model_validate({"subscriptions": changes})
    return {c: s.model_dump() for c, s in service.update_subscriptions(caller, subscriber_id, request).items()}


def test_every_channel_is_unknown_until_set(caller: Principal, ada: str):
    shown = service.get_subscriptions(caller, ada)
    assert set(shown) == {"email", "sms", "push", "in_app", "chat"}
    assert {(s.status, s.at, s.source) for s in shown.values()} == {("unknown", None, None)}


def test_a_status_is_set_with_its_time_and_source_and_reads_back(caller: Principal, ada: str, use_clock):
    use_clock(NOON)
    answered = change_subscriptions(caller, ada, {"email": {"status": "unsubscribed", "source": "unsubscribe_link"}})
    stored = {c: s.model_dump() for c, s in service.get_subscriptions(caller, ada).items()}
    assert answered == stored
    assert stored["email"] == {"status": "unsubscribed", "at": "2026-12-01T12:00:00.000Z", "source": "unsubscribe_link"}
    assert stored["sms"]["status"] == "unknown"


def test_a_change_keeps_the_channels_it_does_not_name(caller: Principal, ada: str):
    change_subscriptions(caller, ada, {"email": {"status": "unsubscribed"}, "sms": {"status": "subscribed"}})
    after = change_subscriptions(caller, ada, {"email": {"status": "subscribed", "source": "preference_center"}})
    assert (after["email"]["status"], after["email"]["source"]) == ("subscribed", "preference_center")
    assert (after["sms"]["status"], after["sms"]["source"]) == ("subscribed", "api")


def test_consent_is_recorded_per_purpose_and_reads_back(caller: Principal, ada: str, use_clock):
    use_clock(NOON)
    request = UpdateConsentRequest.model_validate(
        {"consent": {"marketing": {"granted": False, "source": "import"}, "product_updates": {"granted": True}}}
    )
    answered = service.update_consent(caller, ada, request)
    assert answered == service.get_consent(caller, ada)
    assert answered["marketing"].model_dump() == {
        "granted": False,
        "at": "2026-12-01T12:00:00.000Z",
        "source": "import",
    }
    assert (answered["product_updates"].granted, answered["product_updates"].source) == (True, "api")


def test_the_profile_shows_its_subscriptions_consent_and_lists(caller: Principal, ada: str):
    change_subscriptions(caller, ada, {"push": {"status": "unsubscribed"}})
    service.update_consent(
        caller, ada, UpdateConsentRequest.model_validate({"consent": {"marketing": {"granted": True}}})
    )
    profile = subscribers.get_subscriber(caller, ada).model_dump(by_alias=True)
    assert profile["subscriptions"]["push"]["status"] == "unsubscribed"
    assert profile["consent"]["marketing"]["granted"] is True
    assert profile["lists"] == []


def test_more_purposes_than_a_profile_holds_are_refused(caller: Principal, ada: str):
    purposes = {f"purpose-{n}": {"granted": True} for n in range(MAX_PURPOSES)}
    service.update_consent(caller, ada, UpdateConsentRequest.model_validate({"consent": purposes}))
    one_more = UpdateConsentRequest.model_validate({"consent": {"extra": {"granted": True}}})
    with pytest.raises(ValidationFailed) as refused:
        service.update_consent(caller, ada, one_more)
    assert refused.value.field == "consent"


def test_an_unknown_subscriber_is_not_found(caller: Principal):
    with pytest.raises(NotFound):
        service.get_subscriptions(caller, "nobody")
    with pytest.raises(NotFound):
        service.update_consent(
            caller, "nobody", UpdateConsentRequest.model_validate({"consent": {"m": {"granted": True}}})
        )


def test_a_change_racing_another_is_a_conflict(caller: Principal, ada: str, monkeypatch: pytest.MonkeyPatch):
    real_get = service.SubscribersRepository.get

    def stale(self, environment_id: str, subscriber_id: str):  # what was read before another request's write
        profile = real_get(self, environment_id, subscriber_id)
        return profile | {"updatedAt": "2000-01-01T00:00:00.000Z"} if profile else None

    monkeypatch.setattr(service.SubscribersRepository, "get", stale)
    with pytest.raises(Conflict):
        change_subscriptions(caller, ada, {"email": {"status": "subscribed"}})


@pytest.mark.parametrize(
    ("route_key", "body", "field"),
    [
        (
            "PATCH /v1/subscribers/{subscriberId}/subscriptions",
            {"subscriptions": {"fax": {"status": "subscribed"}}},
            "subscriptions.fax",
        ),
        (
            "PATCH /v1/subscribers/{subscriberId}/subscriptions",
            {"subscriptions": {"email": {"status": "maybe"}}},
            "subscriptions.email.status",
        ),
        ("PATCH /v1/subscribers/{subscriberId}/subscriptions", {"subscriptions": {}}, "subscriptions"),
        (
            "PATCH /v1/subscribers/{subscriberId}/subscriptions",
            {"subscriptions": {"email": {"status": "subscribed", "source": "Bad Source"}}},
            "subscriptions.email.source",
        ),
        (
            "PUT /v1/subscribers/{subscriberId}/consent",
            {"consent": {"marketing": {"granted": "yes"}}},
            "consent.marketing.granted",
        ),
        (
            "PUT /v1/subscribers/{subscriberId}/consent",
            {"consent": {"Not A Purpose": {"granted": True}}},
            "consent.Not A Purpose",
        ),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field(untouched, route_key: str, body: dict, field: str):
    answer = call_route(route_key, json.dumps(body))
    assert answer["statusCode"] == 422, answer
    errors = json.loads(answer["body"])["errors"]
    assert any(name.startswith(field) for name in errors), errors


def test_the_profile_item_holds_what_a_segment_reads(caller: Principal, ada: str, use_clock):
    """docs/data-model.md, "What a segment reads from a profile": `lists` a string set (absent when empty),
    `subscriptions` and `consent` maps of {status|granted, at, source}, all on the PROFILE item."""
    use_clock(NOON)
    list_id = lists.create_list(caller, "VIP", None).id
    lists.add_items(caller, list_id, [ada])
    change_subscriptions(caller, ada, {"sms": {"status": "unsubscribed", "source": "import"}})
    service.update_consent(
        caller, ada, UpdateConsentRequest.model_validate({"consent": {"marketing": {"granted": True}}})
    )
    key = to_item({"pk": subscriber_pk(caller.environment_id, ada), "sk": PROFILE_SK})
    item = client("dynamodb").get_item(TableName=settings().subscribers_table, Key=key)["Item"]
    assert item["lists"] == {"SS": [list_id]}
    assert from_item({"s": item["subscriptions"], "c": item["consent"]}) == {
        "s": {"sms": {"status": "unsubscribed", "at": "2026-12-01T12:00:00.000Z", "source": "import"}},
        "c": {"marketing": {"granted": True, "at": "2026-12-01T12:00:00.000Z", "source": "api"}},
    }
    lists.remove_items(caller, list_id, [ada])
    item = client("dynamodb").get_item(TableName=settings().subscribers_table, Key=key)["Item"]
    assert "lists" not in item
