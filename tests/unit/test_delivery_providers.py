"""The providers (clarion.delivery.providers): what each sends for a claimed record, as moto's SES and SNS recorded it,
the in-app item in the subscriber's inbox, the webhook's POST on 127.0.0.1, the envelope of an email; and which of
their failures are permanent (never retried) or transient (retried, or failed over)."""

import json
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from pydantic import ValidationError

from clarion import clock
from clarion.aws import client, client_for
from clarion.delivery.errors import DeliveryFailure, PermanentFailure, TransientFailure
from clarion.delivery.providers import adapter_for, inbox, provider_for, required, ses_email, sns_push, sns_sms
from clarion.delivery.providers.email_envelope import envelope_of
from clarion.delivery.providers.webhook import Webhook
from clarion.errors import ValidationFailed
from clarion.ids import new_id
from clarion.inbox.repository import InboxRepository
from clarion.settings import settings
from clarion.store.records import new_record
from local.webhook_server import WebhookServer

ACCOUNT, REGION = "123456789012", "us-east-1"
SENDER = "notifications@clarion.local"


@pytest.fixture
def aws(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The stack's verified sender and its FCM and APNs platform applications in moto."""
    sns = client("sns")
    arns = {
        platform: sns.create_platform_application(
            Name=f"{platform}-{uuid.uuid4().hex[:8]}", Platform=platform, Attributes={"PlatformCredential": "key"}
        )["PlatformApplicationArn"]
        for platform in ("GCM", "APNS")
    }
    monkeypatch.setenv("SENDER_EMAIL", SENDER)
    monkeypatch.setenv("FCM_PLATFORM_APPLICATION_ARN", arns["GCM"])
    monkeypatch.setenv("APNS_PLATFORM_APPLICATION_ARN", arns["APNS"])
    settings.cache_clear()
    client("ses").verify_email_identity(EmailAddress=SENDER)
    return arns


@pytest.fixture
def requests_made() -> Iterator[Callable[[str, str], list[dict[str, Any]]]]:
    """The parameters of each call the senders' single-attempt client of `service` makes to `operation`: what
    moto does not keep (reply-to, the text part, message attributes)."""
    registered: list[tuple[Any, str, Any]] = []

    def watch(service: str, operation: str) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = []
        events = client(service, single_attempt=True).meta.events
        event = f"provide-client-params.{service}.{operation}"

        def record(params: dict[str, Any], **_: Any) -> None:
            calls.append(params)

        events.register(event, record)
        registered.append((events, event, record))
        return calls

    yield watch
    for events, event, handler in registered:
        events.unregister(event, handler)


AWS_ACCOUNT = {"apiKey": "AKIAEXAMPLE000000042", "secretKey": "integration-secret", "region": "eu-west-1"}


def signed_with(provider: Any, service: str) -> list[str]:
    """The `Credential` scope (access key id/date/region/service) of each request the provider's client signs."""
    scopes: list[str] = []

    def record(request: Any, **_: Any) -> None:
        scopes.append(request.headers["Authorization"].split("Credential=")[1].split(",")[0])

    provider.account.client(service, single_attempt=True).meta.events.register_last("request-created", record)
    return scopes


def record_of(channel: Any, to: dict[str, Any], content: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return new_record(new_id(), f"user-{uuid.uuid4().hex[:8]}", channel, to=to, content=content) | fields


def email(**content: Any) -> dict[str, Any]:
    body = {"subject": f"Subject {uuid.uuid4().hex}", "html": "<p>Hi</p>"} | content
    return record_of("email", {"email": "ada@example.com"}, body)


def sent_with_subject(subject: str) -> list[Any]:
    return [message for message in ses_backends[ACCOUNT][REGION].sent_messages if message.subject == subject]


def sns_backend() -> Any:
    return sns_backends[ACCOUNT][REGION]


def endpoint_messages(token: str) -> list[dict[str, Any]]:
    endpoints = sns_backend().platform_endpoints.values()
    return [json.loads(m) for e in endpoints if e.token == token for m in e.messages.values()]


def failure_of(send: Callable[[], Any]) -> DeliveryFailure:
    with pytest.raises(DeliveryFailure) as raised:
        send()
    return raised.value


# SES email


def test_an_email_goes_from_the_stacks_identity_to_the_subscriber_with_its_subject_and_html(aws):
    record = email(html="<p>Welcome</p>")
    message_id = provider_for("email").send(record)
    (sent,) = sent_with_subject(record["content"]["subject"])
    assert (sent.id, sent.source, sent.destinations, sent.body) == (
        message_id,
        SENDER,
        {"ToAddresses": ["ada@example.com"]},
        "<p>Welcome</p>",
    )


def test_the_messages_own_sender_and_name_come_before_the_integrations(aws):
    client("ses").verify_domain_identity(Domain=(domain := f"{uuid.uuid4().hex[:8]}.example"))
    record = email(**{"from": f"ops@{domain}", "senderName": "Ops Team"})
    adapter_for("email", "ses", {"from": SENDER, "senderName": "Clarion"}).send(record)
    (sent,) = sent_with_subject(record["content"]["subject"])
    assert sent.source == f"Ops Team <ops@{domain}>"


def test_an_integrations_sender_and_name_are_used_when_the_message_has_none(aws):
    client("ses").verify_email_identity(EmailAddress=(address := f"team-{uuid.uuid4().hex[:8]}@clarion.local"))
    record = email()
    adapter_for("email", "ses", {"from": address, "senderName": "Team, Inc."}).send(record)
    (sent,) = sent_with_subject(record["content"]["subject"])
    assert sent.source == f'"Team, Inc." <{address}>'


def test_an_integration_with_its_own_aws_key_and_region_sends_there_signed_with_that_key(aws):
    address = f"eu-{uuid.uuid4().hex[:8]}@clarion.local"
    client_for("ses", region="eu-west-1").verify_email_identity(EmailAddress=address)
    provider = adapter_for("email", "ses", AWS_ACCOUNT | {"from": address})
    signed = signed_with(provider, "sesv2")
    record = email()
    provider.send(record)
    sent = [m for m in ses_backends[ACCOUNT]["eu-west-1"].sent_messages if m.subject == record["content"]["subject"]]
    assert [message.source for message in sent] == [address]
    assert sent_with_subject(record["content"]["subject"]) == []  # nothing went out of the stack's region
    ((key, _, region, _, _),) = [scope.split("/") for scope in signed]
    assert (key, region) == (AWS_ACCOUNT["apiKey"], "eu-west-1")


def test_cc_bcc_reply_to_and_the_text_part_are_in_the_email_sent(aws, requests_made):
    calls = requests_made("sesv2", "SendEmail")
    record = email(text="Hi", cc="cc@example.com", bcc=["b1@example.com", "b2@example.com"], replyTo="r@example.com")
    ses_email.PROVIDER.send(record)
    (sent,) = sent_with_subject(record["content"]["subject"])
    assert sent.destinations == {
        "ToAddresses": ["ada@example.com"],
        "CcAddresses": ["cc@example.com"],
        "BccAddresses": ["b1@example.com", "b2@example.com"],
    }
    (call,) = calls
    assert call["ReplyToAddresses"] == ["r@example.com"]
    assert call["Content"]["Simple"]["Body"]["Text"]["Data"] == "Hi"


def test_an_email_from_an_unverified_sender_is_a_permanent_failure(aws):
    record = email(**{"from": "someone@unverified.example"})
    failure = failure_of(lambda: ses_email.PROVIDER.send(record))
    assert (type(failure), failure.code) == (PermanentFailure, "MessageRejected")
    assert sent_with_subject(record["content"]["subject"]) == []


@pytest.mark.parametrize(
    ("section", "name"),
    [
        ("to", "email"),
        ("content", "html"),
        ("content", "subject"),
    ],
)
def test_an_email_missing_a_required_field_is_a_permanent_failure_naming_it(aws, section: str, name: str):
    record = email()
    del record[section][name]
    failure = failure_of(lambda: ses_email.PROVIDER.send(record))
    assert (type(failure), failure.reason) == (PermanentFailure, f"MissingField: {section}.{name} is missing")


def test_a_verified_sender_identity_or_its_domain_passes_the_check(aws):
    client("ses").verify_domain_identity(Domain=(domain := f"{uuid.uuid4().hex[:8]}.example"))
    ses_email.check(ses_email.Credentials.model_validate({"from": f"anyone@{domain}"}))
    ses_email.check(ses_email.Credentials.model_validate({}))  # the stack's own identity


def test_an_unverified_sender_identity_fails_the_check_naming_the_credential(aws):
    credentials = ses_email.Credentials.model_validate({"from": "someone@unverified.example"})
    with pytest.raises(ValidationFailed) as refused:
        ses_email.check(credentials)
    assert refused.value.field == "credentials.from"


# The email envelope


def test_an_envelope_takes_single_addresses_and_lists_alike():
    record = record_of("email", {"email": "a@example.com"}, {"cc": "c@example.com", "bcc": ["b@example.com"]})
    envelope = envelope_of(record, sender="s@example.com", sender_name=None)
    assert (envelope.to, envelope.cc, envelope.bcc, envelope.reply_to) == (
        "a@example.com",
        ["c@example.com"],
        ["b@example.com"],
        [],
    )
    assert envelope.from_header == "s@example.com"


def test_an_envelope_without_a_recipient_is_refused_for_good():
    record = record_of("email", {}, {"subject": "s"})
    failure = failure_of(lambda: envelope_of(record, sender="s@example.com", sender_name="S"))
    assert (type(failure), failure.reason) == (PermanentFailure, "MissingField: to.email is missing")


# SNS SMS


def test_an_sms_is_published_to_the_phone_number_as_a_transactional_message(aws, requests_made):
    calls = requests_made("sns", "Publish")
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    message_id = sns_sms.PROVIDER.send(record_of("sms", {"phone": phone}, {"body": "Your code is 1234"}))
    assert sns_backend().sms_messages[message_id] == (phone, "Your code is 1234")
    (call,) = calls
    assert call["MessageAttributes"] == {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


def test_an_integrations_sender_id_is_sent_with_its_sms(aws, requests_made):
    calls = requests_made("sns", "Publish")
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    adapter_for("sms", "sns", {"senderId": "Clarion"}).send(record_of("sms", {"phone": phone}, {"body": "Hi"}))
    (call,) = calls
    assert call["MessageAttributes"]["AWS.SNS.SMS.SenderID"] == {"DataType": "String", "StringValue": "Clarion"}


def test_an_sms_integration_with_its_own_aws_key_and_region_publishes_there(aws):
    provider = adapter_for("sms", "sns", AWS_ACCOUNT)
    signed = signed_with(provider, "sns")
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    message_id = provider.send(record_of("sms", {"phone": phone}, {"body": "Hi"}))
    assert sns_backends[ACCOUNT]["eu-west-1"].sms_messages[message_id] == (phone, "Hi")
    assert [scope.split("/")[0:3:2] for scope in signed] == [[AWS_ACCOUNT["apiKey"], "eu-west-1"]]


@pytest.mark.parametrize("sender_id", ["Clarion-App", "TwelveChars1", ""])
def test_an_sms_integration_refuses_a_sender_id_sns_cannot_send(sender_id: str):
    with pytest.raises(ValidationError):
        adapter_for("sms", "sns", {"senderId": sender_id})


def test_an_sms_without_a_phone_number_is_a_permanent_failure(aws):
    failure = failure_of(lambda: sns_sms.PROVIDER.send(record_of("sms", {}, {"body": "Hi"})))
    assert (type(failure), failure.reason) == (PermanentFailure, "MissingField: to.phone is missing")


# SNS push


def push(provider_id: str, tokens: list[str], **content: Any) -> dict[str, Any]:
    body = {"title": "Shipped", "body": "Order o-7 shipped"} | content
    return record_of("push", {"providerId": provider_id, "deviceTokens": tokens}, body)


def test_an_fcm_push_reaches_every_device_token_with_its_notification_and_data(aws):
    tokens = [f"fcm-{uuid.uuid4().hex}", f"fcm-{uuid.uuid4().hex}"]
    message_ids = sns_push.PROVIDER.send(push("fcm", tokens, data={"order": "o-7"}))
    assert len(message_ids.split(",")) == 2
    for token in tokens:
        (message,) = endpoint_messages(token)
        assert message["default"] == "Order o-7 shipped"
        assert json.loads(message["GCM"]) == {
            "notification": {"title": "Shipped", "body": "Order o-7 shipped"},
            "data": {"order": "o-7"},
        }


def test_an_apns_push_carries_its_alert_and_data_for_production_and_sandbox(aws):
    token = f"apns-{uuid.uuid4().hex}"
    sns_push.PROVIDER.send(push("apns", [token], data={"order": "o-7"}))
    (message,) = endpoint_messages(token)
    expected = {"aps": {"alert": {"title": "Shipped", "body": "Order o-7 shipped"}}, "order": "o-7"}
    assert json.loads(message["APNS"]) == json.loads(message["APNS_SANDBOX"]) == expected
    assert "GCM" not in message


def disabled_endpoint(application_arn: str) -> str:
    token = f"fcm-{uuid.uuid4().hex}"
    arn = client("sns").create_platform_endpoint(PlatformApplicationArn=application_arn, Token=token)["EndpointArn"]
    client("sns").set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})
    return token


def test_a_disabled_device_is_skipped_and_the_others_still_receive_the_push(aws):
    disabled, enabled = disabled_endpoint(aws["GCM"]), f"fcm-{uuid.uuid4().hex}"
    message_ids = sns_push.PROVIDER.send(push("fcm", [disabled, enabled]))
    assert (endpoint_messages(disabled), len(endpoint_messages(enabled))) == ([], 1)
    assert "," not in message_ids


def test_a_push_whose_every_device_is_disabled_is_a_permanent_failure(aws):
    failure = failure_of(lambda: sns_push.PROVIDER.send(push("fcm", [disabled_endpoint(aws["GCM"])])))
    assert (type(failure), failure.code) == (PermanentFailure, "EndpointDisabled")


def test_a_push_for_a_provider_that_is_neither_fcm_nor_apns_is_a_permanent_failure(aws):
    failure = failure_of(lambda: sns_push.PROVIDER.send(push("expo", ["token"])))
    assert (type(failure), failure.code) == (PermanentFailure, "UnknownProvider")


def test_a_push_through_a_missing_platform_application_is_retried(aws):
    missing = "arn:aws:sns:us-east-1:123456789012:app/GCM/missing"
    failure = failure_of(
        lambda: adapter_for("push", "sns", {"platformApplicationArn": missing}).send(push("fcm", ["t"]))
    )
    assert isinstance(failure, TransientFailure)


def test_the_push_check_refuses_a_platform_application_that_does_not_exist(aws):
    sns_push.check(sns_push.Credentials.model_validate({"platformApplicationArn": aws["GCM"]}))
    missing = sns_push.Credentials.model_validate({"platformApplicationArn": f"{aws['GCM']}-gone"})
    with pytest.raises(ValidationFailed) as refused:
        sns_push.check(missing)
    assert refused.value.field == "credentials.platformApplicationArn"


# The in-app inbox


def in_app(**content: Any) -> dict[str, Any]:
    body = {"body": "Order o-7 shipped", "payload": {"order": "o-7"}, "templateIdentifier": "orders"} | content
    return record_of("in_app", {}, body, campaignId=new_id(), transactionId=new_id())


def inbox_item(record: dict[str, Any]) -> dict[str, Any] | None:
    return InboxRepository().get(
        record["environmentId"], record["subscriberId"], record["_id"], now=clock.epoch_seconds()
    )


def test_an_in_app_message_is_put_in_the_subscribers_inbox_under_the_records_id(aws):
    cta = {"type": "redirect", "data": {"url": "/orders/o-7"}}
    record = in_app(cta=cta, actor={"type": "none", "data": None})
    assert inbox.PROVIDER.send(record) == record["_id"]
    item = inbox_item(record)
    assert item is not None
    assert (item["content"], item["payload"], item["templateIdentifier"], item["cta"], item["actor"]) == (
        "Order o-7 shipped",
        {"order": "o-7"},
        "orders",
        cta,
        {"type": "none", "data": None},
    )
    assert (item["_templateId"], item["transactionId"], item["seen"]) == (
        record["campaignId"],
        record["transactionId"],
        False,
    )


def test_an_in_app_message_sent_again_after_a_failed_recording_stays_one_message(aws):
    record = in_app()
    inbox.PROVIDER.send(record)
    assert inbox.PROVIDER.send(record) == record["_id"]
    inbox_of = InboxRepository()
    assert (
        inbox_of.unseen_count(record["environmentId"], record["subscriberId"], now=clock.epoch_seconds(), at_most=5)
        == 1
    )


def test_an_in_app_message_keeps_the_campaigns_inbox_expiry(aws):
    record = in_app(expireAt="2099-01-01T00:00:00.000Z")
    inbox.PROVIDER.send(record)
    item = inbox_item(record)
    assert item is not None and item["expireAt"] == "2099-01-01T00:00:00.000Z"


def test_an_in_app_message_without_a_body_is_a_permanent_failure(aws):
    failure = failure_of(lambda: inbox.PROVIDER.send(in_app(body="")))
    assert (type(failure), failure.reason) == (PermanentFailure, "MissingField: content.body is missing")


# The chat webhook


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    with WebhookServer() as server:
        yield server


def chat(url: str, body: str = "Deployed") -> dict[str, Any]:
    return record_of("chat", {"providerId": "slack", "webhookUrl": url}, {"body": body})


def test_a_chat_message_is_posted_as_json_text_to_the_subscribers_webhook(webhook: WebhookServer):
    record = chat(webhook.url_of("team"), "Deployed v2")
    assert Webhook().send(record) == record["_id"]
    assert webhook.accepted == [("team", {"text": "Deployed v2"})]


@pytest.mark.parametrize(("status", "retried"), [(400, False), (404, False), (410, False), (408, True), (429, True)])
def test_a_webhooks_refusal_is_permanent_unless_its_status_says_try_again(webhook, status: int, retried: bool):
    webhook.statuses.append(status)
    failure = failure_of(lambda: Webhook().send(chat(webhook.url)))
    assert (failure.code, failure.retryable) == (f"HTTP {status}", retried)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_webhooks_server_error_is_retried_and_keeps_its_answer_as_the_reason(webhook, status: int):
    webhook.statuses.append(status)
    failure = failure_of(lambda: Webhook().send(chat(webhook.url)))
    assert (failure.retryable, failure.reason) == (True, f'HTTP {status}: {{"error": "refused"}}')


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/hook", "hooks.slack.com/abc"])
def test_a_webhook_url_that_is_not_http_is_refused_for_good(url: str):
    failure = failure_of(lambda: Webhook().send(chat(url)))
    assert (type(failure), failure.code) == (PermanentFailure, "UnsupportedUrl")


def test_an_unreachable_webhook_is_retried():
    with socket.socket() as bound:  # a port bound then released: nothing listens there
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
    failure = failure_of(lambda: Webhook().send(chat(f"http://127.0.0.1:{port}/hook")))
    assert isinstance(failure, TransientFailure)


# The providers' registry


@pytest.mark.parametrize("value", [None, "", []])
def test_a_required_field_that_is_absent_or_empty_is_a_permanent_failure(value: Any):
    record = {"to": {"deviceTokens": value}}
    failure = failure_of(lambda: required(record, "to", "deviceTokens"))
    assert (type(failure), failure.reason) == (PermanentFailure, "MissingField: to.deviceTokens is missing")


def test_an_integrations_credentials_with_an_unknown_field_are_refused():
    with pytest.raises(ValidationError):
        adapter_for("email", "ses", {"from": SENDER, "apiKey": "k"})


def test_a_provider_that_the_channel_does_not_have_is_refused():
    with pytest.raises(KeyError):
        adapter_for("sms", "ses", {})
