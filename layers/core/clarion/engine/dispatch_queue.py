"""The dispatch queue: one message per trigger (or continuation), read by the dispatcher."""

import json

from clarion.aws import client
from clarion.engine.models import DispatchJob
from clarion.settings import settings


def send_dispatch_job(job: DispatchJob) -> None:
    url = settings().dispatch_queue_url
    if not url:
        raise RuntimeError("DISPATCH_QUEUE_URL is not set")
    client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(job, separators=(",", ":")))
