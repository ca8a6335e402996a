"""clarion.devices.service on the in-memory store: registering (an upsert), validation, the token kept hashed and
shown only as a hint, listings with their counts, and the summary a segment reads on the profile."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from clarion.devices import service
from clarion.devices.models import RegisterDeviceRequest, UpdateDeviceRequest
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.principal import Principal
from clarion.store.devices import MAX_DEVICES_PER_SUBSCRIBER, DevicesStore
from clarion.store.keys import device_token_hash
from clarion.subscribers import service as subscribers
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TOKEN = "fcm-token-0123456789abcdef-WXYZ"


@pytest.fixture(autouse=True)
def still_clock(use_clock) -> None:
    use_clock(NOW.timestamp(), step=0.001)


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    principal = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    for subscriber_id in ("ada", "bob"):
        subscribers.create_subscriber(principal, CreateSubscriberRequest(subscriberId=subscriber_id))
    return principal


def register(caller: Principal, device_id: str, subscriber_id: str = "ada", **fields: Any) -> Any:
    request = RegisterDeviceRequest.model_validate({"platform": "android", "pushToken": TOKEN} | fields)
    return service.register_device(caller, subscriber_id, device_id, request)


def profile(caller: Principal, subscriber_id: str = "ada") -> dict[str, Any]:
    item = SubscribersRepository().get(caller.environment_id, subscriber_id)
    assert item is not None
    return dict(item)


def test_a_registered_device_shows_a_hint_of_its_token_never_the_token(caller: Principal):
    device = register(caller, "phone-1", appVersion="3.2.1", locale="en-GB", timezone="Europe/London")

    shown = device.model_dump()
    assert shown["pushTokenHint"] == "WXYZ"
    assert TOKEN not in json.dumps(shown)
    assert (shown["platform"], shown["appVersion"], shown["locale"]) == ("android", "3.2.1", "en-GB")
    assert shown["active"] is True and shown["lastSeenAt"] == shown["createdAt"]


def test_the_token_is_stored_with_its_hash_for_the_push_sender(caller: Principal):
    register(caller, "phone-1")

    stored = DevicesStore().get(caller.environment_id, "ada", "phone-1")
    assert stored is not None
    assert stored["token"] == TOKEN
    assert stored["tokenHash"] == device_token_hash(caller.environment_id, TOKEN)
    assert TOKEN not in stored["tokenHash"]


def test_a_short_token_gets_no_hint(caller: Principal):
    assert register(caller, "phone-1", pushToken="abcdef").pushTokenHint is None


def test_registering_again_updates_the_device_and_keeps_its_creation_time(caller: Principal):
    first = register(caller, "phone-1", appVersion="1.0")
    again = register(caller, "phone-1", appVersion="1.1")

    assert again.appVersion == "1.1" and again.createdAt == first.createdAt
    assert again.lastSeenAt > first.lastSeenAt
    assert service.list_devices(caller, page=0, limit=10).totalCount == 1


def test_a_device_of_one_subscriber_cannot_be_registered_for_another(caller: Principal):
    register(caller, "phone-1")
    with pytest.raises(Conflict) as refused:
        register(caller, "phone-1", subscriber_id="bob")
    assert refused.value.field == "deviceId"


def test_a_devices_platform_cannot_change(caller: Principal):
    register(caller, "phone-1")
    with pytest.raises(ValidationFailed) as refused:
        register(caller, "phone-1", platform="ios")
    assert refused.value.field == "platform"


def test_an_unknown_subscriber_has_no_devices(caller: Principal):
    with pytest.raises(NotFound) as missing:
        register(caller, "phone-1", subscriber_id="nobody")
    assert missing.value.field == "subscriberId"
    with pytest.raises(NotFound):
        service.list_subscriber_devices(caller, "nobody", page=0, limit=10)


def test_a_subscriber_has_a_bounded_number_of_devices(caller: Principal):
    for number in range(MAX_DEVICES_PER_SUBSCRIBER):
        register(caller, f"d{number:02d}")
    with pytest.raises(ValidationFailed) as refused:
        register(caller, "one-more")
    assert refused.value.field == "deviceId"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"platform": "symbian"}, "platform"),
        ({"pushToken": "has space"}, "pushToken"),
        ({"locale": "not a locale"}, "locale"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"token": "misspelt"}, "token"),
    ],
)
def test_a_bad_field_is_refused_by_name(fields: dict[str, Any], field: str):
    with pytest.raises(PydanticValidationError) as refused:
        RegisterDeviceRequest.model_validate({"platform": "ios"} | fields)
    assert {error["loc"][0] for error in refused.value.errors()} == {field}


def test_an_update_changes_only_the_fields_given(caller: Principal):
    register(caller, "phone-1", appVersion="1.0", locale="en-GB")

    updated = service.update_device(caller, "phone-1", UpdateDeviceRequest(pushEnabled=False))

    assert (updated.pushEnabled, updated.active, updated.appVersion, updated.locale) == (False, False, "1.0", "en-GB")
    assert service.get_device(caller, "phone-1") == updated


def test_an_unknown_device_is_not_found(caller: Principal):
    with pytest.raises(NotFound) as missing:
        service.get_device(caller, "nope")
    assert missing.value.field == "deviceId"
    with pytest.raises(NotFound):
        service.update_device(caller, "nope", UpdateDeviceRequest(pushEnabled=False))


def test_a_device_disabled_by_its_provider_is_active_again_with_a_new_token(caller: Principal):
    register(caller, "phone-1")
    store = DevicesStore()
    stored = store.get(caller.environment_id, "ada", "phone-1")
    assert stored is not None
    assert store.disable(stored, reason="EndpointDisabled", at="2026-03-10T12:00:01.000Z")
    assert service.get_device(caller, "phone-1").disabledReason == "EndpointDisabled"
    assert service.update_device(caller, "phone-1", UpdateDeviceRequest(pushEnabled=True)).active is False

    renewed = service.update_device(caller, "phone-1", UpdateDeviceRequest(pushToken="a-brand-new-token-0000"))

    assert renewed.active is True and renewed.disabledAt is None and renewed.disabledReason is None


def test_a_device_is_not_disabled_for_a_token_it_no_longer_has(caller: Principal):
    register(caller, "phone-1")
    store = DevicesStore()
    read = store.get(caller.environment_id, "ada", "phone-1")
    assert read is not None
    service.update_device(caller, "phone-1", UpdateDeviceRequest(pushToken="a-brand-new-token-0000"))

    assert store.disable(read, reason="EndpointDisabled", at="2026-03-10T12:00:01.000Z") is False
    assert service.get_device(caller, "phone-1").active is True


def test_devices_are_listed_by_platform_with_their_counts(caller: Principal):
    register(caller, "a1")
    register(caller, "i1", platform="ios")
    register(caller, "a2", subscriber_id="bob")

    every = service.list_devices(caller, page=0, limit=2)
    assert (every.totalCount, every.hasMore, [d.deviceId for d in every.data]) == (3, True, ["a1", "a2"])
    assert [d.deviceId for d in service.list_devices(caller, page=1, limit=2).data] == ["i1"]
    ios = service.list_devices(caller, page=0, limit=10, platform="ios")
    assert (ios.totalCount, [d.deviceId for d in ios.data]) == (1, ["i1"])
    bobs = service.list_subscriber_devices(caller, "bob", page=0, limit=10)
    assert (bobs.totalCount, [d.deviceId for d in bobs.data]) == (1, ["a2"])
    filtered = service.list_devices(caller, page=0, limit=10, subscriber_id="ada", platform="android")
    assert [d.deviceId for d in filtered.data] == ["a1"]


def test_devices_of_another_environment_are_not_seen(caller: Principal):
    register(caller, "phone-1")
    other = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())

    assert service.list_devices(other, page=0, limit=10).totalCount == 0
    with pytest.raises(NotFound):
        service.get_device(other, "phone-1")


def test_the_profile_keeps_what_a_segment_reads_of_its_devices(caller: Principal):
    assert "devices" not in profile(caller)
    register(caller, "a1")
    register(caller, "i1", platform="ios", pushEnabled=False)
    summary = profile(caller)
    assert summary["devices"] == {"android": 1, "ios": 1}
    assert summary["pushEnabled"] is True
    assert summary["lastSeenAt"] == service.get_device(caller, "i1").lastSeenAt

    service.update_device(caller, "a1", UpdateDeviceRequest(pushEnabled=False))
    assert profile(caller)["pushEnabled"] is False


def test_a_deep_page_is_refused_by_name(caller: Principal):
    with pytest.raises(ValidationFailed) as refused:
        service.list_devices(caller, page=1001, limit=10)
    assert refused.value.field == "page"


def test_deleting_a_subscriber_frees_its_device_ids_and_uncounts_them(caller: Principal):
    register(caller, "a1")
    register(caller, "i1", platform="ios")
    register(caller, "b1", subscriber_id="bob")

    subscribers.delete_subscriber(caller, "ada")

    assert service.list_devices(caller, page=0, limit=10).totalCount == 1
    assert service.list_devices(caller, page=0, limit=10, platform="ios").totalCount == 0
    with pytest.raises(NotFound):
        service.get_device(caller, "a1")
    assert register(caller, "a1", subscriber_id="bob").subscriberId == "bob"
