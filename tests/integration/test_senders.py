"""The senders through the real path: records + jobs → the runtime polls the queue → the sender → moto/provider."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from clarion.aws import client
from clarion.delivery.errors import TransientFailure
from clarion.delivery.jobs import BACKOFF_CAP_SECONDS, backoff_seconds
from clarion.delivery.providers.sns_sms import SnsSms
from clarion.ids import new_id
from local.runtime import LocalRuntime
from local.webhook_server import WebhookServer
from tests.integration.conftest import Api
from tests.integration.support.delivery import (
    emails_with_subject,
    endpoint_messages,
    enqueue,
    new_phone,
    queue,
    stored,
    texts_to,
    write,
)


def email(runtime: LocalRuntime, subject: str, **content: Any) -> dict[str, Any]:
    body = {"subject": subject, "html": "<p>Hi</p>", "text": "Hi"} | content
    return queue(runtime, "email", {"email": "ada@example.com"}, body)


def test_an_email_is_sent_through_ses_from_the_sender_identity(runtime: LocalRuntime):
    record = email(runtime, subject := f"Welcome {uuid.uuid4()}")
    runtime.drain()
    (sent,) = emails_with_subject(runtime, subject)
    assert (sent.source, sent.destinations["ToAddresses"], sent.body) == (
        "notifications@clarion.local",
        ["ada@example.com"],
        "<p>Hi</p>",
    )
    done = stored(runtime, record)
    assert (done["status"], done["providerMessageId"], done["attempts"]) == ("sent", sent.id, 1)
    assert [entry["status"] for entry in done["history"]] == ["queued", "sending", "sent"]


def test_the_same_job_delivered_twice_sends_once(runtime: LocalRuntime):
    record = email(runtime, subject := f"Once {uuid.uuid4()}")
    enqueue(runtime, record)
    runtime.drain()
    assert len(emails_with_subject(runtime, subject)) == 1
    assert stored(runtime, record)["attempts"] == 1


def test_a_record_that_is_not_queued_is_not_sent(runtime: LocalRuntime):
    record = queue(runtime, "sms", {"phone": (phone := new_phone())}, {"body": "Hi"}, status="cancelled")
    runtime.drain()
    assert texts_to(runtime, phone) == []
    assert stored(runtime, record)["status"] == "cancelled"


def test_a_job_naming_another_environment_sends_nothing(runtime: LocalRuntime):
    record = write(runtime, "sms", {"phone": (phone := new_phone())}, {"body": "Hi"})
    enqueue(runtime, record, environment_id=new_id())
    runtime.drain()
    assert texts_to(runtime, phone) == []
    assert (stored(runtime, record)["status"], stored(runtime, record)["attempts"]) == ("queued", 0)


def test_an_unverified_sender_is_a_permanent_failure_never_retried(runtime: LocalRuntime):
    record = email(runtime, subject := f"Rejected {uuid.uuid4()}", **{"from": "someone@unverified.example"})
    runtime.drain()
    runtime.clock.advance(BACKOFF_CAP_SECONDS + 1)
    runtime.drain()
    failed = stored(runtime, record)
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert failed["history"][-1]["reason"].startswith("MessageRejected")
    assert emails_with_subject(runtime, subject) == []


def test_an_sms_is_published_to_the_phone_number(runtime: LocalRuntime):
    record = queue(runtime, "sms", {"phone": (phone := new_phone())}, {"body": "Your code is 1234"})
    runtime.drain()
    assert texts_to(runtime, phone) == ["Your code is 1234"]
    assert stored(runtime, record)["status"] == "sent"


def test_more_jobs_than_one_batch_are_all_enqueued_and_sent(runtime: LocalRuntime):
    phone = new_phone()
    for number in range(12):
        queue(runtime, "sms", {"phone": phone}, {"body": f"message {number}"})
    runtime.drain()
    assert sorted(texts_to(runtime, phone)) == sorted(f"message {number}" for number in range(12))


def test_a_transient_failure_is_retried_after_its_backoff_and_then_sent(runtime, monkeypatch):
    send, calls = SnsSms.send, []

    def fail_once(self: SnsSms, record: dict[str, Any]) -> str:
        calls.append(record["_id"])
        if len(calls) == 1:
            raise TransientFailure("Throttling", "Rate exceeded")
        return send(self, record)

    monkeypatch.setattr(SnsSms, "send", fail_once)
    record = queue(runtime, "sms", {"phone": (phone := new_phone())}, {"body": "Hi"})
    runtime.drain()
    waiting = stored(runtime, record)
    assert (waiting["status"], waiting["history"][-1]["reason"]) == ("queued", "Throttling: Rate exceeded")
    assert texts_to(runtime, phone) == []
    runtime.clock.advance(backoff_seconds(1) + 1)
    runtime.drain()
    assert texts_to(runtime, phone) == ["Hi"]
    assert (stored(runtime, record)["status"], stored(runtime, record)["attempts"]) == ("sent", 2)


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    with WebhookServer() as server:
        yield server


def test_a_chat_message_is_posted_to_the_webhook(runtime: LocalRuntime, webhook: WebhookServer):
    record = queue(runtime, "chat", {"providerId": "slack", "webhookUrl": webhook.url}, {"body": "Deployed"})
    runtime.drain()
    assert webhook.received == [{"text": "Deployed"}]
    assert stored(runtime, record)["status"] == "sent"


def test_a_webhook_refusing_the_message_fails_it_with_the_status(runtime: LocalRuntime, webhook: WebhookServer):
    webhook.statuses.append(404)
    record = queue(runtime, "chat", {"providerId": "slack", "webhookUrl": webhook.url}, {"body": "Deployed"})
    runtime.drain()
    failed = stored(runtime, record)
    assert failed["status"] == "failed"
    assert failed["history"][-1]["reason"].startswith("HTTP 404")


def test_the_dead_letter_api_counts_a_channels_dead_letters_and_redrives_them(runtime, admin, webhook: WebhookServer):
    def dead_letters() -> dict[str, int]:
        return {entry["channel"]: entry["messages"] for entry in admin.get("/v1/dead-letters").json()["data"]}

    before = dead_letters()
    webhook.statuses.extend([503] * 5)
    record = queue(runtime, "chat", {"providerId": "slack", "webhookUrl": webhook.url}, {"body": "Rolled back"})
    for _ in range(6):
        runtime.drain()
        runtime.clock.advance(BACKOFF_CAP_SECONDS + 1)
    assert dead_letters() == before | {"chat": before["chat"] + 1}

    redriven = admin.post("/v1/dead-letters/chat/redrive").json()["data"]
    assert redriven == {"channel": "chat", "redriven": before["chat"] + 1}
    runtime.drain()
    assert stored(runtime, record)["status"] == "sent"
    assert dead_letters()["chat"] == 0
    assert admin.post("/v1/dead-letters/fax/redrive").status == 422


def test_a_job_failing_on_every_receive_reaches_the_dlq_and_redrive_sends_it(runtime, webhook: WebhookServer):
    webhook.statuses.extend([503] * 5)
    record = queue(runtime, "chat", {"providerId": "slack", "webhookUrl": webhook.url}, {"body": "Deployed"})
    for _ in range(6):
        runtime.drain()
        runtime.clock.advance(BACKOFF_CAP_SECONDS + 1)
    waiting = stored(runtime, record)
    assert (waiting["status"], waiting["attempts"], waiting["history"][-1]["reason"]) == (
        "queued",
        5,
        'HTTP 503: {"error": "refused"}',
    )
    with runtime.registry.environment_of("ChatSenderFunction"):
        from clarion.delivery import jobs

        assert jobs.redrive("chat") == 1
    runtime.drain()
    assert stored(runtime, record)["status"] == "sent"
    assert len(webhook.received) == 6


def test_an_in_app_message_lands_in_the_subscribers_feed_once(runtime: LocalRuntime, admin: Api):
    assert admin.post("/v1/subscribers", {"subscriberId": "reader"}).status == 201
    content = {"body": "You have a new follower", "payload": {"followerId": "f-1"}, "templateIdentifier": "follow"}
    record = queue(runtime, "in_app", {}, content, environment_id=admin.environment_id, subscriber_id="reader")
    enqueue(runtime, record)
    runtime.drain()
    (message,) = admin.get("/v1/subscribers/reader/notifications/feed").json()["data"]
    assert (message["_id"], message["content"], message["payload"]) == (
        record["_id"],
        content["body"],
        {"followerId": "f-1"},
    )
    assert stored(runtime, record)["status"] == "sent"


def test_a_push_is_published_to_each_device_tokens_endpoint(runtime, push_applications):
    tokens = [f"token-{uuid.uuid4()}", f"token-{uuid.uuid4()}"]
    content = {"title": "Hello", "body": "World", "data": {"orderId": "o-1"}}
    record = queue(runtime, "push", {"providerId": "fcm", "deviceTokens": tokens}, content)
    runtime.drain()
    for token in tokens:
        (message,) = endpoint_messages(runtime, token)
        fcm = json.loads(json.loads(message)["GCM"])
        assert fcm == {"notification": {"title": "Hello", "body": "World"}, "data": {"orderId": "o-1"}}
    assert stored(runtime, record)["providerMessageId"].count(",") == 1


def disabled_endpoint(runtime: LocalRuntime, application_arn: str) -> str:
    token = f"token-{uuid.uuid4()}"
    with runtime.registry.environment_of("PushSenderFunction"):
        sns = client("sns")
        arn = sns.create_platform_endpoint(PlatformApplicationArn=application_arn, Token=token)["EndpointArn"]
        sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})
    return token


def test_a_disabled_endpoint_is_skipped_and_the_other_tokens_get_the_push(runtime, push_applications):
    disabled, enabled = disabled_endpoint(runtime, push_applications["apns"]), f"token-{uuid.uuid4()}"
    record = queue(runtime, "push", {"providerId": "apns", "deviceTokens": [disabled, enabled]}, {"body": "Hi"})
    runtime.drain()
    assert (len(endpoint_messages(runtime, enabled)), endpoint_messages(runtime, disabled)) == (1, [])
    assert stored(runtime, record)["status"] == "sent"


def test_a_push_whose_every_endpoint_is_disabled_fails(runtime, push_applications):
    token = disabled_endpoint(runtime, push_applications["fcm"])
    record = queue(runtime, "push", {"providerId": "fcm", "deviceTokens": [token]}, {"body": "Hi"})
    runtime.drain()
    failed = stored(runtime, record)
    assert (failed["status"], failed["history"][-1]["reason"].split(":")[0]) == ("failed", "EndpointDisabled")


def test_an_in_app_retry_after_the_inbox_write_does_not_add_a_second_message(runtime: LocalRuntime, admin: Api):
    assert admin.post("/v1/subscribers", {"subscriberId": "reader"}).status == 201
    record = write(runtime, "in_app", {}, {"body": "Hi"}, environment_id=admin.environment_id, subscriber_id="reader")
    with runtime.registry.environment_of("InAppSenderFunction"):
        from clarion.delivery.providers.inbox import Inbox

        Inbox().send(record)  # an earlier attempt that stopped before recording the outcome
    enqueue(runtime, record)
    runtime.drain()
    assert [m["_id"] for m in admin.get("/v1/subscribers/reader/notifications/feed").json()["data"]] == [record["_id"]]
    assert stored(runtime, record)["status"] == "sent"
