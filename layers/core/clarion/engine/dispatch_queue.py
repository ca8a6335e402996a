"""The dispatch queue: one message per trigger (or continuation), read by the dispatcher."""

from clarion.aws import client
from clarion.engine.dispatch_jobs import DispatchJob, dispatch_body
from clarion.settings import settings


def send_dispatch_job(job: DispatchJob) -> None:
    url = settings().dispatch_queue_url
    if not url:
        raise RuntimeError("DISPATCH_QUEUE_URL is not set")
    client("sqs").send_message(QueueUrl=url, MessageBody=dispatch_body(job))
