"""The per-channel SQS job queues. A job is only `{"environmentId", "messageId"}`: the record holds the rest."""

import json
import time
from collections.abc import Iterable
from typing import Any

from typing_extensions import TypedDict  # the senders validate it with pydantic: typing's needs Python 3.12

from clarion.aws import client
from clarion.settings import settings
from clarion.store.records import Channel

SEND_BATCH_SIZE = 10
SEND_ATTEMPTS = 5
REDRIVE_BATCH_SIZE = 10
BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 900


class Job(TypedDict):
    environmentId: str
    messageId: str


class JobsNotEnqueued(RuntimeError):
    """Some jobs stayed refused by SQS after every retry; their ids are in `message_ids`."""

    def __init__(self, channel: Channel, message_ids: list[str]) -> None:
        super().__init__(f"{len(message_ids)} {channel} jobs could not be enqueued")
        self.message_ids = message_ids


def queue_url(channel: Channel) -> str:
    url: str = getattr(settings(), f"{channel}_queue_url")
    if not url:
        raise RuntimeError(f"{channel.upper()}_QUEUE_URL is not set")
    return url


def enqueue(channel: Channel, jobs: Iterable[Job]) -> int:
    """Sends the jobs to the channel's queue, 10 a request, retrying refused entries; returns the requests made."""
    url = queue_url(channel)
    pending = [{"Id": str(index), "MessageBody": json.dumps(job)} for index, job in enumerate(jobs)]
    requests = 0
    for start in range(0, len(pending), SEND_BATCH_SIZE):
        entries = pending[start : start + SEND_BATCH_SIZE]
        for attempt in range(SEND_ATTEMPTS):
            requests += 1
            response = client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
            refused = {failure["Id"] for failure in response.get("Failed", [])}
            entries = [entry for entry in entries if entry["Id"] in refused]
            if not entries:
                break
            time.sleep(min(0.05 * 2**attempt, 1.0))
        else:
            raise JobsNotEnqueued(channel, [json.loads(entry["MessageBody"])["messageId"] for entry in entries])
    return requests


def backoff_seconds(attempts: int) -> int:
    """How long a job waits before its next delivery after `attempts` transient failures."""
    return int(min(BACKOFF_BASE_SECONDS * 2**attempts, BACKOFF_CAP_SECONDS))


def postpone(channel: Channel, receipt_handle: str, seconds: int) -> None:
    """Makes a received job visible again only after `seconds` (the retry's backoff)."""
    client("sqs").change_message_visibility(
        QueueUrl=queue_url(channel), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
    )


def dead_letter_queue_url(channel: Channel) -> str:
    """The channel's DLQ, read from its queue's redrive policy (the one place that names it)."""
    sqs = client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url(channel), AttributeNames=["RedrivePolicy"])
    target_arn = json.loads(attributes["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"]
    account, name = target_arn.split(":")[4:6]
    url: str = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
    return url


def dead_letter_count(channel: Channel) -> int:
    """About how many jobs wait in the channel's DLQ (SQS's approximate count, visible and in flight)."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = client("sqs").get_queue_attributes(QueueUrl=dead_letter_queue_url(channel), AttributeNames=names)
    return sum(int(attributes["Attributes"].get(name, 0)) for name in names)


def redrive(channel: Channel) -> int:
    """Moves every job in the channel's DLQ back to its queue; returns how many moved."""
    sqs = client("sqs")
    source, target = dead_letter_queue_url(channel), queue_url(channel)
    moved = 0
    while messages := _receive(sqs, source):
        entries = [{"Id": str(index), "MessageBody": m["Body"]} for index, m in enumerate(messages)]
        sent = {entry["Id"] for entry in sqs.send_message_batch(QueueUrl=target, Entries=entries).get("Successful", [])}
        done = [
            {"Id": str(index), "ReceiptHandle": m["ReceiptHandle"]}
            for index, m in enumerate(messages)
            if str(index) in sent
        ]
        if done:
            sqs.delete_message_batch(QueueUrl=source, Entries=done)
        moved += len(done)
        if len(done) < len(messages):
            break  # what SQS refused stays in the DLQ (visible again after its timeout) for the next redrive
    return moved


def _receive(sqs: Any, url: str) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=REDRIVE_BATCH_SIZE, WaitTimeSeconds=0, VisibilityTimeout=60
    ).get("Messages", [])
    return received
