"""The channel senders (clarion.delivery.sender) and their queues (clarion.delivery.jobs), on the in-memory store:
a job's record is claimed once and sent once however often the job comes, a stopped campaign's message is cancelled,
a permanent provider error fails the record for good and a transient one requeues it for a retry after its backoff.
SMS and email go to moto's SNS and SES; chat to a webhook on 127.0.0.1."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from clarion import clock
from clarion.aws import client
from clarion.delivery import campaign_gate, jobs, sender
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.store.records import CHANNELS, DeliveryRecords, new_record
from local.webhook_server import WebhookServer

ACCOUNT, REGION = "123456789012", "us-east-1"
SENDER = "notifications@clarion.local"


@pytest.fixture
def queues(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Each channel's job queue in moto's SQS (the settings name them) and the stack's verified sender identity."""
    sqs = client("sqs")
    urls = {}
    for channel in CHANNELS:
        urls[channel] = sqs.create_queue(QueueName=f"{channel}-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        monkeypatch.setenv(f"{channel.upper()}_QUEUE_URL", urls[channel])
    monkeypatch.setenv("SENDER_EMAIL", SENDER)
    settings.cache_clear()
    client("ses").verify_email_identity(EmailAddress=SENDER)
    yield urls
    sender.metrics.clear_metrics()  # the metrics of a process without a namespace would fail to flush at 100


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    with WebhookServer() as server:
        yield server


def write(channel: Any, to: dict[str, Any], content: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A queued record as the dispatcher writes it (`fields` replace the record's)."""
    record = new_record(new_id(), f"user-{uuid.uuid4().hex[:8]}", channel, to=to, content=content) | fields
    DeliveryRecords().create_many([record])
    return record


def enqueue(record: dict[str, Any], environment_id: str | None = None) -> None:
    job: Any = {"environmentId": environment_id or record["environmentId"], "messageId": record["_id"]}
    jobs.enqueue(record["channel"], [job])


def received(channel: Any) -> list[dict[str, Any]]:
    """The jobs visible in the channel's queue, received as Lambda's event source mapping receives them."""
    messages: list[dict[str, Any]] = []
    while (
        batch := client("sqs")
        .receive_message(QueueUrl=jobs.queue_url(channel), MaxNumberOfMessages=10)
        .get("Messages", [])
    ):
        messages += batch
    return messages


def event_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "1",
        "SenderId": "A",
        "ApproximateFirstReceiveTimestamp": "1",
    }
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue",
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


def run_sender(channel: Any) -> dict[str, Any]:
    """The channel's sender over every job visible in its queue."""
    return sender.send_jobs(channel, event_of(received(channel)))


def stored(record: dict[str, Any]) -> dict[str, Any]:
    found = DeliveryRecords().get(record["environmentId"], record["_id"])
    assert found is not None
    return found


def texts_to(phone: str) -> list[str]:
    return [text for number, text in sns_backends[ACCOUNT][REGION].sms_messages.values() if number == phone]


def new_phone() -> str:
    return f"+1555{uuid.uuid4().int % 10**7:07d}"


def sms(**fields: Any) -> tuple[dict[str, Any], str]:
    phone = new_phone()
    return write("sms", {"phone": phone}, {"body": f"code {uuid.uuid4().hex[:6]}"}, **fields), phone


def history(record: dict[str, Any]) -> list[str]:
    return [entry["status"] for entry in stored(record)["history"]]


def test_a_queued_sms_is_published_once_and_recorded_as_sent_with_the_providers_message_id(queues):
    record, phone = sms()
    enqueue(record)
    assert run_sender("sms") == {"batchItemFailures": []}
    assert texts_to(phone) == [record["content"]["body"]]
    done = stored(record)
    (provider_message_id,) = [i for i, (n, _) in sns_backends[ACCOUNT][REGION].sms_messages.items() if n == phone]
    assert (done["status"], done["providerMessageId"], done["attempts"]) == ("sent", provider_message_id, 1)
    assert history(record) == ["queued", "sending", "sent"]
    assert "sendingKey" not in done


def test_the_same_job_twice_in_one_batch_sends_once(queues):
    record, phone = sms()
    enqueue(record)
    enqueue(record)
    assert run_sender("sms") == {"batchItemFailures": []}
    assert len(texts_to(phone)) == 1
    assert stored(record)["attempts"] == 1


def test_a_job_delivered_again_after_its_message_was_sent_sends_nothing(queues):
    record, phone = sms()
    enqueue(record)
    run_sender("sms")
    enqueue(record)
    assert run_sender("sms") == {"batchItemFailures": []}
    assert len(texts_to(phone)) == 1
    assert history(record) == ["queued", "sending", "sent"]


def test_a_record_claimed_by_another_delivery_is_not_sent_again(queues):
    record, phone = sms()
    assert DeliveryRecords().claim(record["environmentId"], record["_id"]) is not None
    enqueue(record)
    assert run_sender("sms") == {"batchItemFailures": []}
    assert texts_to(phone) == []
    assert (stored(record)["status"], stored(record)["attempts"]) == ("sending", 1)


@pytest.mark.parametrize("status", ["cancelled", "failed", "sent", "filtered", "skipped"])
def test_a_record_that_is_not_queued_is_acknowledged_without_a_provider_call(queues, status: str):
    record, phone = sms(status=status)
    enqueue(record)
    assert run_sender("sms") == {"batchItemFailures": []}
    assert texts_to(phone) == []
    assert (stored(record)["status"], stored(record)["attempts"]) == (status, 0)


def test_a_job_naming_another_environment_sends_nothing_and_leaves_the_record_queued(queues):
    record, phone = sms()
    enqueue(record, environment_id=new_id())
    assert run_sender("sms") == {"batchItemFailures": []}
    assert texts_to(phone) == []
    assert (stored(record)["status"], stored(record)["attempts"]) == ("queued", 0)


def test_a_malformed_job_fails_alone_and_the_rest_of_its_batch_is_sent(queues):
    record, phone = sms()
    enqueue(record)
    client("sqs").send_message(QueueUrl=queues["sms"], MessageBody=json.dumps({"environmentId": new_id()}))
    messages = received("sms")
    malformed = next(m["MessageId"] for m in messages if "messageId" not in json.loads(m["Body"]))
    assert sender.send_jobs("sms", event_of(messages)) == {"batchItemFailures": [{"itemIdentifier": malformed}]}
    assert texts_to(phone) == [record["content"]["body"]]


def test_an_email_is_sent_through_ses_from_the_stacks_sender_identity(queues):
    subject = f"Welcome {uuid.uuid4().hex}"
    record = write("email", {"email": "ada@example.com"}, {"subject": subject, "html": "<p>Hi</p>"})
    enqueue(record)
    run_sender("email")
    (sent,) = [m for m in ses_backends[ACCOUNT][REGION].sent_messages if m.subject == subject]
    assert (sent.source, sent.destinations["ToAddresses"], sent.body) == (SENDER, ["ada@example.com"], "<p>Hi</p>")
    assert (stored(record)["status"], stored(record)["providerMessageId"]) == ("sent", sent.id)


def test_a_permanent_provider_error_fails_the_record_and_the_job_is_not_retried(queues):
    subject = f"Rejected {uuid.uuid4().hex}"
    content = {"subject": subject, "html": "<p>Hi</p>", "from": "someone@unverified.example"}
    record = write("email", {"email": "ada@example.com"}, content)
    enqueue(record)
    assert run_sender("email") == {"batchItemFailures": []}
    failed = stored(record)
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert failed["history"][-1]["reason"].startswith("MessageRejected")
    enqueue(record)  # delivered again: the record is final
    run_sender("email")
    assert [m for m in ses_backends[ACCOUNT][REGION].sent_messages if m.subject == subject] == []
    assert stored(record)["attempts"] == 1


def test_a_record_without_its_address_fails_permanently_naming_the_missing_field(queues):
    record = write("sms", {}, {"body": "Hi"})
    enqueue(record)
    assert run_sender("sms") == {"batchItemFailures": []}
    failed = stored(record)
    assert (failed["status"], failed["history"][-1]["reason"]) == ("failed", "MissingField: to.phone is missing")


def test_a_transient_provider_error_requeues_the_record_and_reports_the_job_for_a_retry(queues, webhook):
    webhook.statuses.append(503)
    record = write("chat", {"providerId": "slack", "webhookUrl": webhook.url}, {"body": "Deployed"})
    enqueue(record)
    messages = received("chat")
    assert sender.send_jobs("chat", event_of(messages)) == {
        "batchItemFailures": [{"itemIdentifier": messages[0]["MessageId"]}]
    }
    waiting = stored(record)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert waiting["history"][-1]["reason"].startswith("HTTP 503")
    assert "sendingKey" not in waiting
    assert received("chat") == []  # hidden for its backoff, not redelivered at once


def test_a_retried_job_sends_once_the_provider_recovers(queues, webhook):
    webhook.statuses.append(503)
    record = write("chat", {"providerId": "slack", "webhookUrl": webhook.url}, {"body": "Rolled back"})
    enqueue(record)
    run_sender("chat")
    enqueue(record)  # the same job, delivered again after its backoff
    assert run_sender("chat") == {"batchItemFailures": []}
    assert webhook.accepted == [("hook", {"text": "Rolled back"})]
    assert (stored(record)["status"], stored(record)["attempts"]) == ("sent", 2)
    assert history(record) == ["queued", "sending", "queued", "sending", "sent"]


def test_an_unexpected_provider_error_is_retried_and_recorded_by_its_type_only(queues):
    record = write("chat", {"providerId": "slack", "webhookUrl": "http://[bad-host/hook"}, {"body": "Hi"})
    enqueue(record)
    response = run_sender("chat")
    assert len(response["batchItemFailures"]) == 1
    waiting = stored(record)
    assert (waiting["status"], waiting["history"][-1]["reason"]) == ("queued", "ValueError")


@pytest.mark.parametrize("status", ["stopped", "paused"])
def test_a_message_of_a_stopped_or_paused_campaign_is_cancelled_not_sent(queues, status: str):
    environment_id, campaign_id = new_id(), new_id()
    CampaignsRepository().create(environment_id, campaign(campaign_id, status))
    record, phone = sms(environmentId=environment_id, campaignId=campaign_id)
    enqueue(record)
    assert run_sender("sms") == {"batchItemFailures": []}
    assert texts_to(phone) == []
    cancelled = stored(record)
    assert (cancelled["status"], cancelled["history"][-1]["reason"]) == ("cancelled", f"campaign {status}")


def test_a_message_queued_before_the_campaigns_last_stop_is_cancelled_after_a_restart(queues):
    environment_id, campaign_id = new_id(), new_id()
    record, phone = sms(environmentId=environment_id, campaignId=campaign_id)
    restarted = campaign(campaign_id, "active") | {"stoppedAt": clock.timestamp_now()}
    CampaignsRepository().create(environment_id, restarted)
    enqueue(record)
    run_sender("sms")
    assert texts_to(phone) == []
    assert (stored(record)["status"], stored(record)["history"][-1]["reason"]) == ("cancelled", "campaign stopped")


def test_a_message_queued_after_the_campaign_was_restarted_is_sent(queues):
    environment_id, campaign_id = new_id(), new_id()
    restarted = campaign(campaign_id, "active") | {"stoppedAt": "2020-01-01T00:00:00.000Z"}
    CampaignsRepository().create(environment_id, restarted)
    record, phone = sms(environmentId=environment_id, campaignId=campaign_id)
    enqueue(record)
    run_sender("sms")
    assert texts_to(phone) == [record["content"]["body"]]


def test_a_campaign_cached_as_stopped_is_read_again_for_a_message_queued_after_that_read(queues):
    environment_id, campaign_id = new_id(), new_id()
    repository = CampaignsRepository()
    repository.create(environment_id, campaign(campaign_id, "stopped"))
    first, first_phone = sms(environmentId=environment_id, campaignId=campaign_id)
    enqueue(first)
    run_sender("sms")  # caches the campaign as stopped
    stopped = repository.get(environment_id, campaign_id)
    assert stopped is not None
    repository.update(environment_id, stopped, stopped | {"status": "active", "version": stopped["version"] + 1})
    later = clock.timestamp(clock.utc_now().replace(year=clock.utc_now().year + 1))
    second, second_phone = sms(environmentId=environment_id, campaignId=campaign_id, createdAt=later)
    enqueue(second)
    run_sender("sms")
    assert (texts_to(first_phone), texts_to(second_phone)) == ([], [second["content"]["body"]])
    assert campaign_gate.cancel_reason(second) is None


def campaign(campaign_id: str, status: str) -> dict[str, Any]:
    return {"_id": campaign_id, "identifier": f"c-{campaign_id}", "name": "Gate", "status": status, "version": 1}


def test_jobs_are_enqueued_ten_a_request_and_each_reaches_its_channels_queue(queues):
    environment_id = new_id()
    sent: list[Any] = [{"environmentId": environment_id, "messageId": new_id()} for _ in range(23)]
    assert jobs.enqueue("push", sent) == 3
    bodies = [json.loads(message["Body"]) for message in received("push")]
    assert sorted(bodies, key=lambda job: job["messageId"]) == sorted(sent, key=lambda job: job["messageId"])
    assert received("sms") == []


def test_a_channel_without_its_queue_configured_refuses_to_enqueue(queues, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SMS_QUEUE_URL", "")
    settings.cache_clear()
    with pytest.raises(RuntimeError, match="SMS_QUEUE_URL is not set"):
        jobs.enqueue("sms", [{"environmentId": new_id(), "messageId": new_id()}])


@pytest.fixture
def dead_letters(queues: dict[str, str]) -> str:
    """The chat queue's DLQ, named by the queue's redrive policy as the template names it."""
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"chat-dlq-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})
    sqs.set_queue_attributes(QueueUrl=queues["chat"], Attributes={"RedrivePolicy": policy})
    return str(url)


def test_the_dead_letters_of_a_channel_are_counted_and_redriven_to_its_queue(queues, dead_letters: str):
    bodies = [json.dumps({"environmentId": new_id(), "messageId": new_id()}) for _ in range(12)]
    for body in bodies:
        client("sqs").send_message(QueueUrl=dead_letters, MessageBody=body)
    assert jobs.dead_letter_count("chat") == 12
    assert jobs.redrive("chat") == 12
    assert sorted(message["Body"] for message in received("chat")) == sorted(bodies)
    assert jobs.dead_letter_count("chat") == 0
