"""clarion.actions on the in-memory store: an action needs a push or in-app message of the caller's environment,
a repeat of (message, action) is idempotent, each is listed per campaign, subscriber and device with its count, and
counted per campaign and day as it is recorded."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from clarion.actions import service
from clarion.actions.models import PushActionRequest
from clarion.actions.store import CAMPAIGN, ActionsStore, campaign_days
from clarion.campaigns import service as campaigns
from clarion.campaigns.models import CreateCampaignRequest
from clarion.devices import service as devices
from clarion.devices.models import RegisterDeviceRequest
from clarion.errors import NotFound, ValidationFailed
from clarion.principal import Principal
from clarion.store.records import DeliveryRecords, new_record
from clarion.subscribers import service as subscribers
from clarion.subscribers.models import CreateSubscriberRequest

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def still_clock(use_clock) -> None:
    use_clock(NOW.timestamp(), step=0.001)


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    principal = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    subscribers.create_subscriber(principal, CreateSubscriberRequest(subscriberId="ada"))
    request = RegisterDeviceRequest(platform="ios", pushToken="apns-token-0123456789abcdef")
    devices.register_device(principal, "ada", "phone-1", request)
    return principal


def message(caller: Principal, channel: Any = "push", campaign_id: str | None = "camp-1") -> str:
    record = new_record(caller.environment_id, "ada", channel, to={}, content={"body": "Hi"}, campaign_id=campaign_id)
    DeliveryRecords().create_many([record])
    return record["_id"]


def act(caller: Principal, message_id: str, action: str = "open", **fields: Any) -> Any:
    request = PushActionRequest.model_validate({"messageId": message_id, "action": action} | fields)
    return service.record_action(caller, request)


def test_an_action_is_recorded_with_its_message_campaign_subscriber_and_device(caller: Principal):
    message_id = message(caller)

    result = act(caller, message_id, "click", deviceId="phone-1", url="https://example.com/sale", buttonId="buy")

    assert result.recorded is True
    recorded = result.action
    assert (recorded.actionId, recorded.campaignId, recorded.subscriberId) == (f"{message_id}_click", "camp-1", "ada")
    assert (recorded.deviceId, recorded.url, recorded.buttonId, recorded.source) == (
        "phone-1",
        "https://example.com/sale",
        "buy",
        "api",
    )
    assert service.get_action(caller, recorded.actionId) == recorded


def test_a_repeated_action_is_idempotent_and_counted_once(caller: Principal):
    message_id = message(caller)
    first = act(caller, message_id, at="2026-03-10T11:00:00Z")

    again = act(caller, message_id, at="2026-03-10T11:30:00Z")

    assert (again.recorded, again.action) == (False, first.action)
    assert ActionsStore().count(caller.environment_id, CAMPAIGN, "camp-1") == 1
    assert service.list_subscriber_actions(caller, "ada", page=0, limit=10).totalCount == 1
    assert act(caller, message_id, "dismiss").recorded is True  # another action of the same message


def test_actions_are_counted_per_campaign_and_day_as_they_are_recorded(caller: Principal):
    opened, clicked = message(caller), message(caller)
    act(caller, opened, "open")
    act(caller, clicked, "open", at="2026-03-09T23:59:00Z")
    act(caller, clicked, "click")

    days = list(campaign_days(caller.environment_id, "camp-1", date(2026, 3, 1), date(2026, 3, 10)))

    assert [(d["day"], d.get("opened", 0), d.get("clicked", 0), d["total"]) for d in days] == [
        ("2026-03-09", 1, 0, 1),
        ("2026-03-10", 1, 1, 2),
    ]


def test_actions_are_listed_newest_first_per_campaign_subscriber_and_device(caller: Principal):
    body = {"name": "Sale", "steps": [{"channel": "push", "content": {"title": "Sale", "body": "Today"}}]}
    campaign_id = campaigns.create_campaign(caller, CreateCampaignRequest.model_validate(body)).id
    first, second = message(caller, campaign_id=campaign_id), message(caller, channel="in_app", campaign_id=campaign_id)
    act(caller, first, "open", deviceId="phone-1")
    act(caller, second, "click")

    by_campaign = service.list_campaign_actions(caller, campaign_id, page=0, limit=1)
    assert (by_campaign.totalCount, by_campaign.hasMore) == (2, True)
    assert [a.messageId for a in by_campaign.data] == [second]
    assert [a.messageId for a in service.list_campaign_actions(caller, campaign_id, page=1, limit=1).data] == [first]
    by_device = service.list_device_actions(caller, "phone-1", page=0, limit=10)
    assert (by_device.totalCount, [a.messageId for a in by_device.data]) == (1, [first])
    assert service.list_subscriber_actions(caller, "ada", page=0, limit=10).totalCount == 2


def test_a_message_without_a_campaign_is_listed_per_subscriber_only(caller: Principal):
    act(caller, message(caller, campaign_id=None))
    assert service.list_subscriber_actions(caller, "ada", page=0, limit=10).totalCount == 1


def test_an_unknown_message_or_one_of_another_environment_is_not_found(caller: Principal):
    message_id = message(caller)
    other = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    for principal, ident in ((caller, "0" * 24), (other, message_id)):
        with pytest.raises(NotFound) as missing:
            act(principal, ident)
        assert missing.value.field == "messageId"


def test_an_email_has_no_actions(caller: Principal):
    with pytest.raises(ValidationFailed) as refused:
        act(caller, message(caller, channel="email"))
    assert refused.value.field == "messageId"


def test_a_device_that_is_not_the_subscribers_is_refused(caller: Principal):
    with pytest.raises(NotFound) as missing:
        act(caller, message(caller), deviceId="someone-elses")
    assert missing.value.field == "deviceId"


@pytest.mark.parametrize("at", [(NOW + timedelta(hours=1)).isoformat(), "2025-01-01T00:00:00Z", "yesterday"])
def test_a_time_too_far_off_or_not_an_instant_is_refused_by_name(caller: Principal, at: str):
    with pytest.raises(ValidationFailed) as refused:
        act(caller, message(caller), at=at)
    assert refused.value.field == "at"


@pytest.mark.parametrize(("fields", "field"), [({"action": "like"}, "action"), ({"colour": "red"}, "colour")])
def test_a_bad_body_is_refused_by_name(fields: dict[str, Any], field: str):
    with pytest.raises(PydanticValidationError) as refused:
        PushActionRequest.model_validate({"messageId": "m", "action": "open"} | fields)
    assert {error["loc"][0] for error in refused.value.errors()} == {field}


def test_unknown_owners_and_actions_are_not_found(caller: Principal):
    for listing, field in (
        (lambda: service.list_campaign_actions(caller, "nope", page=0, limit=10), "campaignId"),
        (lambda: service.list_subscriber_actions(caller, "nope", page=0, limit=10), "subscriberId"),
        (lambda: service.list_device_actions(caller, "nope", page=0, limit=10), "deviceId"),
        (lambda: service.get_action(caller, "nope_open"), "actionId"),
        (lambda: service.get_action(caller, "noseparator"), "actionId"),
    ):
        with pytest.raises(NotFound) as missing:
            listing()
        assert missing.value.field == field


def test_a_deep_page_of_actions_is_refused_by_name(caller: Principal):
    with pytest.raises(ValidationFailed) as refused:
        service.list_subscriber_actions(caller, "ada", page=1001, limit=10)
    assert refused.value.field == "page"
