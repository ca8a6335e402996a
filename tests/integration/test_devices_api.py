"""Devices through the gateway (authorizer → DevicesFunction → moto) and pushes to them (dispatcher → push sender →
moto's SNS platform endpoints): registration and listings, the token never shown nor logged, only active devices
receiving a campaign's push, a refused token disabling its device, and environment isolation."""

import io
import json
import uuid
from typing import Any

from clarion.engine.addresses import NO_ADDRESS
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.delivery import endpoint_messages


def new_subscriber(admin: Api) -> str:
    subscriber_id = f"ada-{uuid.uuid4().hex[:8]}"
    assert admin.post("/v1/subscribers", {"subscriberId": subscriber_id}).status == 201
    return subscriber_id


def register(admin: Api, subscriber_id: str, device_id: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    token = f"token-{uuid.uuid4().hex}"
    body = {"platform": "android", "pushToken": token} | fields
    response = admin.put(f"/v1/subscribers/{subscriber_id}/devices/{device_id}", body)
    assert response.status == 200, response.json()
    return token, response.json()["data"]


def push_campaign(admin: Api, subscriber_id: str) -> None:
    steps = [{"channel": "push", "content": {"title": "Sale", "body": "Half price today"}}]
    created = admin.post("/v1/campaigns", {"name": f"Push {uuid.uuid4().hex[:6]}", "status": "active", "steps": steps})
    assert created.status == 201, created.json()
    trigger = {"name": created.json()["data"]["identifier"], "to": subscriber_id, "payload": {}}
    assert admin.post("/v1/events/trigger", trigger).status == 201


def disable_endpoint(runtime: LocalRuntime, token: str) -> None:
    """What SNS does when FCM or APNs reports the token unregistered: the endpoint is disabled."""
    with runtime.registry.environment_of("PushSenderFunction"):
        import os

        from clarion.aws import client

        sns = client("sns")
        application = os.environ["FCM_PLATFORM_APPLICATION_ARN"]
        arn = sns.create_platform_endpoint(PlatformApplicationArn=application, Token=token)["EndpointArn"]
        sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})


def test_a_registered_device_is_listed_with_a_hint_of_its_token_never_the_token(
    admin: Api, function_logs: io.StringIO
) -> None:
    subscriber_id = new_subscriber(admin)
    token, device = register(admin, subscriber_id, "phone-1", appVersion="4.0.1", timezone="Europe/Paris")

    assert (device["pushTokenHint"], device["active"], device["appVersion"]) == (token[-4:], True, "4.0.1")
    listed = admin.get("/v1/devices?platform=android").json()
    assert (listed["totalCount"], [d["deviceId"] for d in listed["data"]]) == (1, ["phone-1"])
    assert admin.get(f"/v1/subscribers/{subscriber_id}/devices").json()["data"] == [device]
    assert admin.get("/v1/devices/phone-1").json()["data"] == device
    assert admin.get("/v1/devices?platform=ios").json()["totalCount"] == 0
    everything = json.dumps([listed, admin.get(f"/v1/subscribers/{subscriber_id}").json()])
    assert token not in everything and token not in function_logs.getvalue()


def test_a_device_is_updated_and_its_profile_keeps_what_a_segment_reads(admin: Api) -> None:
    subscriber_id = new_subscriber(admin)
    register(admin, subscriber_id, "phone-1")

    updated = admin.call("PATCH", "/v1/devices/phone-1", json={"pushEnabled": False, "locale": "fr-FR"})

    assert updated.status == 200, updated.json()
    assert (updated.json()["data"]["active"], updated.json()["data"]["locale"]) == (False, "fr-FR")
    with admin.runtime.registry.environment_of("SubscribersFunction"):
        from clarion.subscribers.repository import SubscribersRepository

        profile = SubscribersRepository().get(admin.environment_id, subscriber_id)
    assert profile is not None
    assert (profile["devices"], profile["pushEnabled"]) == ({"android": 1}, False)


def test_bad_requests_are_4xx_naming_the_field(admin: Api) -> None:
    subscriber_id = new_subscriber(admin)
    refused = admin.put(f"/v1/subscribers/{subscriber_id}/devices/d1", {"platform": "palm", "pushToken": "x"})
    assert refused.status == 422 and "platform" in json.dumps(refused.json())
    missing = admin.put("/v1/subscribers/nobody/devices/d1", {"platform": "ios"})
    assert missing.status == 404 and "subscriberId" in json.dumps(missing.json())
    register(admin, subscriber_id, "d1")
    other = new_subscriber(admin)
    taken = admin.put(f"/v1/subscribers/{other}/devices/d1", {"platform": "android"})
    assert taken.status == 409 and "deviceId" in json.dumps(taken.json())
    assert admin.get("/v1/devices/nope").status == 404
    assert admin.call("PATCH", "/v1/devices/d1", json={"pushEnabled": "sometimes"}).status == 422


def test_a_key_without_the_device_scopes_is_refused(admin: Api) -> None:
    reader = admin.client("reader", ["list:device"])
    assert reader.get("/v1/devices").status == 200
    assert reader.get("/v1/devices/d1").status == 403
    assert reader.call("PATCH", "/v1/devices/d1", json={"pushEnabled": False}).status == 403


def test_a_campaigns_push_reaches_the_active_device_not_the_muted_one(runtime: LocalRuntime, admin: Api) -> None:
    subscriber_id = new_subscriber(admin)
    active, _ = register(admin, subscriber_id, "phone-1")
    muted, _ = register(admin, subscriber_id, "tablet-1", platform="ios", pushEnabled=False)

    push_campaign(admin, subscriber_id)
    runtime.drain()

    (message,) = endpoint_messages(runtime, active)
    assert json.loads(json.loads(message)["GCM"])["notification"] == {"title": "Sale", "body": "Half price today"}
    assert endpoint_messages(runtime, muted) == []


def test_a_disabled_endpoint_disables_the_device_and_later_pushes_skip_it(runtime: LocalRuntime, admin: Api) -> None:
    subscriber_id = new_subscriber(admin)
    dead, _ = register(admin, subscriber_id, "old-phone")
    alive, _ = register(admin, subscriber_id, "new-phone")
    disable_endpoint(runtime, dead)

    push_campaign(admin, subscriber_id)
    runtime.drain()

    device = admin.get("/v1/devices/old-phone").json()["data"]
    assert (device["active"], device["disabledReason"].split(":")[0]) == (False, "EndpointDisabled")
    push_campaign(admin, subscriber_id)
    runtime.drain()
    assert (len(endpoint_messages(runtime, alive)), endpoint_messages(runtime, dead)) == (2, [])


def test_a_profile_whose_only_device_was_disabled_is_skipped_for_push(runtime: LocalRuntime, admin: Api) -> None:
    subscriber_id = new_subscriber(admin)
    dead, _ = register(admin, subscriber_id, "old-phone")
    disable_endpoint(runtime, dead)
    push_campaign(admin, subscriber_id)
    runtime.drain()
    push_campaign(admin, subscriber_id)
    runtime.drain()

    messages = admin.get(f"/v1/messages?subscriberId={subscriber_id}&channel=push").json()["data"]
    skipped, failed = messages  # newest first
    assert (failed["status"], failed["errorText"].split(":")[0]) == ("failed", "EndpointDisabled")
    assert (skipped["status"], skipped["errorText"]) == ("skipped", NO_ADDRESS["push"])


def test_another_environment_sees_none_of_the_devices(admin: Api, other_admin: Api) -> None:
    subscriber_id = new_subscriber(admin)
    register(admin, subscriber_id, "phone-1")

    assert other_admin.get("/v1/devices").json()["totalCount"] == 0
    assert other_admin.get("/v1/devices/phone-1").status == 404
    assert other_admin.call("PATCH", "/v1/devices/phone-1", json={"pushEnabled": False}).status == 404
    assert admin.get("/v1/devices/phone-1").json()["data"]["pushEnabled"] is True
