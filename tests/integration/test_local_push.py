"""Push works on the local stack out of the box: the platform applications the push sender names are provisioned,
so a campaign's push step reaches GET /local/outbox as its email step does."""

import json
import uuid

import pytest

from local.runtime import LocalRuntime
from tests.integration.conftest import Api


def test_the_stack_provisions_the_platform_applications_its_push_sender_names(runtime: LocalRuntime) -> None:
    environment = runtime.stack.functions["PushSenderFunction"].environment
    provisioned = runtime.resources.platform_applications

    assert environment["FCM_PLATFORM_APPLICATION_ARN"] == provisioned["clarion-local-fcm"]
    assert environment["APNS_PLATFORM_APPLICATION_ARN"] == provisioned["clarion-local-apns"]
    assert provisioned["clarion-local-fcm"].endswith(":app/GCM/clarion-local-fcm")


@pytest.mark.parametrize("provider", ["fcm", "apns"])
def test_a_campaigns_push_step_shows_in_the_outbox_next_to_its_email(
    runtime: LocalRuntime, admin: Api, provider: str
) -> None:
    subscriber, token = f"ada-{uuid.uuid4().hex[:8]}", f"{provider}-token-{uuid.uuid4()}"
    assert admin.post("/v1/subscribers", {"subscriberId": subscriber, "email": "ada@example.com"}).status == 201
    credentials = {"providerId": provider, "credentials": {"deviceTokens": [token]}}
    assert admin.put(f"/v1/subscribers/{subscriber}/credentials", credentials).status == 200
    steps = [
        {"channel": "email", "content": {"subject": "Welcome", "body": "<p>Order {{ payload.order }}</p>"}},
        {"channel": "push", "content": {"title": "Welcome", "body": "Order {{ payload.order }} is on its way"}},
    ]
    created = admin.post("/v1/campaigns", {"name": "Welcome", "status": "active", "steps": steps})
    assert created.status == 201, created.json()

    trigger = {"name": created.json()["data"]["identifier"], "to": subscriber, "payload": {"order": 42}}
    assert admin.post("/v1/events/trigger", trigger).status == 201
    runtime.drain()

    outbox = runtime.request("GET", "/local/outbox").json()
    (push,) = [message for message in outbox["push"] if message["token"] == token]
    platform = "GCM" if provider == "fcm" else "APNS"
    assert f":endpoint/{platform}/clarion-local-{provider}/" in push["endpointArn"]
    payload = json.loads(json.loads(push["message"])[platform])
    alert = payload["notification"] if provider == "fcm" else payload["aps"]["alert"]
    assert alert == {"title": "Welcome", "body": "Order 42 is on its way"}
    assert any(message["body"] == "<p>Order 42</p>" for message in outbox["email"])
