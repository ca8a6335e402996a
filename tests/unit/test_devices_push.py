"""Push to a profile's devices (clarion.delivery.providers.sns_push with clarion.delivery.devices), on moto's SNS:
only active devices receive it, a token the provider refuses disables its device with the reason, later sends
skip it, and a failure after one device received the push is not raised (a retry would push that one twice)."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.sns.models import sns_backends

from clarion.aws import client
from clarion.delivery.errors import DeliveryFailure, PermanentFailure
from clarion.delivery.providers import sns_push
from clarion.devices import service
from clarion.devices.models import RegisterDeviceRequest, UpdateDeviceRequest
from clarion.engine.addresses import address_for
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.records import new_record
from clarion.subscribers import service as subscribers
from clarion.subscribers.fields import SubscriberChannelRequest
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository


@pytest.fixture
def caller(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Principal:
    """An environment with subscriber `ada`, and the stack's FCM and APNs platform applications in moto."""
    sns = client("sns")
    for platform, variable in (("GCM", "FCM_PLATFORM_APPLICATION_ARN"), ("APNS", "APNS_PLATFORM_APPLICATION_ARN")):
        arn = sns.create_platform_application(
            Name=f"{platform}-{uuid.uuid4().hex[:8]}", Platform=platform, Attributes={"PlatformCredential": "key"}
        )["PlatformApplicationArn"]
        monkeypatch.setenv(variable, arn)
    settings.cache_clear()
    principal = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    subscribers.create_subscriber(principal, CreateSubscriberRequest(subscriberId="ada"))
    return principal


def register(caller: Principal, device_id: str, platform: str = "android", **fields: Any) -> str:
    token = f"{platform}-token-{uuid.uuid4().hex}"
    request = RegisterDeviceRequest.model_validate({"platform": platform, "pushToken": token} | fields)
    service.register_device(caller, "ada", device_id, request)
    return token


def push_record(caller: Principal) -> Any:
    profile = SubscribersRepository().get(caller.environment_id, "ada")
    assert profile is not None
    to = address_for("push", profile)
    assert to is not None
    return new_record(caller.environment_id, "ada", "push", to=to, content={"title": "Hi", "body": "Hello"})


def received(token: str) -> list[dict[str, Any]]:
    endpoints = sns_backends["123456789012"]["us-east-1"].platform_endpoints.values()
    return [json.loads(m) for e in endpoints if e.token == token for m in e.messages.values()]


def disable_endpoint_of(token: str) -> None:
    sns = client("sns")
    arn = sns.create_platform_endpoint(PlatformApplicationArn=settings().fcm_platform_application_arn, Token=token)
    sns.set_endpoint_attributes(EndpointArn=arn["EndpointArn"], Attributes={"Enabled": "false"})


@pytest.fixture
def refused_tokens() -> Iterator[set[str]]:
    """Tokens SNS refuses as invalid (InvalidParameter from CreatePlatformEndpoint), as it does a malformed one."""
    refused: set[str] = set()

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if params.get("Token") in refused:
            error = {"Error": {"Code": "InvalidParameter", "Message": "Invalid parameter: Token"}}
            raise ClientError(error, "CreatePlatformEndpoint")  # type: ignore[arg-type]

    events = client("sns").meta.events
    events.register_first("provide-client-params.sns.CreatePlatformEndpoint", refuse, unique_id="refused-tokens")
    yield refused
    events.unregister("provide-client-params.sns.CreatePlatformEndpoint", unique_id="refused-tokens")


def test_a_push_reaches_the_active_devices_of_the_profile_each_on_its_platform(caller: Principal):
    android, ios = register(caller, "a1"), register(caller, "i1", platform="ios")
    muted = register(caller, "m1", pushEnabled=False)

    message_ids = sns_push.PROVIDER.send(push_record(caller))

    assert message_ids.count(",") == 1
    (to_android,), (to_ios,) = received(android), received(ios)
    assert json.loads(to_android["GCM"])["notification"] == {"title": "Hi", "body": "Hello"}
    assert json.loads(to_ios["APNS"])["aps"]["alert"] == {"title": "Hi", "body": "Hello"}
    assert received(muted) == []


def test_a_profile_without_an_active_device_has_no_push_address(caller: Principal):
    register(caller, "m1", pushEnabled=False)
    profile = SubscribersRepository().get(caller.environment_id, "ada")
    assert profile is not None and address_for("push", profile) is None


def test_novus_device_tokens_still_receive_the_push_beside_the_devices(caller: Principal):
    device_token, novu_token = register(caller, "a1"), f"novu-{uuid.uuid4().hex}"
    credentials = {"providerId": "fcm", "credentials": {"deviceTokens": [novu_token]}}
    subscribers.set_credentials(caller, "ada", SubscriberChannelRequest.model_validate(credentials))

    sns_push.PROVIDER.send(push_record(caller))

    assert (len(received(device_token)), len(received(novu_token))) == (1, 1)


def test_a_disabled_endpoint_disables_its_device_with_the_reason_and_later_sends_skip_it(caller: Principal):
    dead, alive = register(caller, "dead"), register(caller, "alive")
    disable_endpoint_of(dead)

    sns_push.PROVIDER.send(push_record(caller))

    device = service.get_device(caller, "dead")
    assert (device.active, (device.disabledReason or "").split(":")[0]) == (False, "EndpointDisabled")
    assert service.get_device(caller, "alive").active is True
    sns_push.PROVIDER.send(push_record(caller))
    assert (len(received(alive)), received(dead)) == (2, [])


def test_an_invalid_token_disables_its_device_and_the_last_one_leaves_the_profile_without_push(
    caller: Principal, refused_tokens: set[str]
):
    refused_tokens.add(register(caller, "a1"))
    record = push_record(caller)

    with pytest.raises(DeliveryFailure) as failed:
        sns_push.PROVIDER.send(record)

    assert isinstance(failed.value, PermanentFailure)
    assert (service.get_device(caller, "a1").disabledReason or "").startswith("InvalidParameter")
    profile = SubscribersRepository().get(caller.environment_id, "ada")
    assert profile is not None and profile["pushEnabled"] is False
    with pytest.raises(PermanentFailure) as skipped:
        sns_push.PROVIDER.send(record)  # queued before it was disabled: no active device is left
    assert skipped.value.code == "NoActiveDevice"


def test_a_new_token_makes_a_disabled_device_receive_pushes_again(caller: Principal, refused_tokens: set[str]):
    refused_tokens.add(register(caller, "a1"))
    with pytest.raises(DeliveryFailure):
        sns_push.PROVIDER.send(push_record(caller))
    fresh = f"fresh-{uuid.uuid4().hex}"

    service.update_device(caller, "a1", UpdateDeviceRequest(pushToken=fresh))
    sns_push.PROVIDER.send(push_record(caller))

    assert len(received(fresh)) == 1


def test_a_failure_after_one_device_received_the_push_is_not_raised(caller: Principal, refused_tokens: set[str]):
    first, second = register(caller, "a1"), register(caller, "a2")

    def throttle(params: dict[str, Any], **_: Any) -> None:
        if params.get("Token") == second:
            raise ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "CreatePlatformEndpoint")  # type: ignore[arg-type]

    events = client("sns").meta.events
    events.register_first("provide-client-params.sns.CreatePlatformEndpoint", throttle, unique_id="throttle")
    try:
        message_ids = sns_push.PROVIDER.send(push_record(caller))
    finally:
        events.unregister("provide-client-params.sns.CreatePlatformEndpoint", unique_id="throttle")

    assert (len(received(first)), received(second), message_ids.count(",")) == (1, [], 0)
    assert service.get_device(caller, "a2").active is True  # a throttled token is not a refused one


def test_a_refused_novu_token_does_not_keep_the_push_from_the_devices(caller: Principal, refused_tokens: set[str]):
    device_token, novu_token = register(caller, "a1"), f"novu-{uuid.uuid4().hex}"
    refused_tokens.add(novu_token)
    credentials = {"providerId": "fcm", "credentials": {"deviceTokens": [novu_token]}}
    subscribers.set_credentials(caller, "ada", SubscriberChannelRequest.model_validate(credentials))

    sns_push.PROVIDER.send(push_record(caller))

    assert (len(received(device_token)), received(novu_token)) == (1, [])
