"""The dispatcher's peak memory for a large topic audience.

moto runs in this process, in-process and as a server on loopback sharing one state; the stack is provisioned
from template.yaml and the audience written through the subscribers and topics services, in-process. The
dispatcher then runs in a process of its own (as in Lambda), with its function's environment and the server as its
AWS endpoint, fanning the whole audience out in one invocation. Its peak RSS is its own (VmHWM, which exec resets,
unlike ru_maxrss): moto's copy of the data lives in this process.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass

from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.server import ThreadedMotoServer
from moto.sqs.models import sqs_backends

from local import moto_dynamodb, moto_sqs
from local import template as sam
from local.functions import FunctionRegistry
from local.provision import provision
from local.runtime import DEFAULTS, free_port
from local.stack import Stack
from tests.conftest import ROOT

BULK = 500
TOPIC = "everyone"
ENVIRONMENT = "bench-memory"
TRANSACTION = "memory-bench"
PATH = "functions:layers/core:."


@dataclass(frozen=True)
class DispatcherMemory:
    recipients: int
    records: int
    enqueued: int
    baseline_mb: float
    peak_mb: float
    seconds: float


def dispatcher_peak_memory(recipients: int) -> DispatcherMemory:
    moto_dynamodb.install()
    moto_sqs.install()
    saved = dict(os.environ)
    os.environ.update(DEFAULTS)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    try:
        with mock_aws():
            server.start()
            stack = provision(sam.load(ROOT / "template.yaml"))
            registry = FunctionRegistry(stack.functions, region=stack.resolver.region)
            campaign_id = _seed(registry, recipients)
            environment = registry.environment(registry.functions["DispatcherFunction"])
            job = {
                "kind": "send",
                "environmentId": ENVIRONMENT,
                "campaignId": campaign_id,
                "transactionId": TRANSACTION,
                "payload": {},
                "targets": {"subscriberIds": [], "topicKeys": [TOPIC], "all": False},
                "cursor": None,
            }
            child = subprocess.run(
                [sys.executable, "-m", "bench.dispatcher_child"],
                input=json.dumps(job),
                env=saved
                | DEFAULTS
                | environment
                | {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": PATH},
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode:
                raise RuntimeError(f"the dispatcher process failed:\n{child.stderr[-3000:]}")
            records, enqueued = _written(stack, TRANSACTION)
    finally:
        server.stop()
        os.environ.clear()
        os.environ.update(saved)
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    return DispatcherMemory(recipients=recipients, records=records, enqueued=enqueued, **measured)


def _written(stack: Stack, transaction_id: str) -> tuple[int, int]:
    """The job's delivery records and the email jobs waiting, read from moto's own state."""
    account, region = stack.resolver.account_id, stack.resolver.region
    table = dynamodb_backends[account][region].get_table(stack.resources.tables["MessagesTable"])
    records = sum(
        1
        for partition in table.items.values()
        for item in partition.values()
        if item.attrs.get("transactionId") == DynamoType({"S": transaction_id})
    )
    queue_name = stack.resources.queues["EmailQueue"].rsplit("/", 1)[-1]
    return records, len(sqs_backends[account][region].get_queue(queue_name).messages)


def _seed(registry: FunctionRegistry, recipients: int) -> str:
    from clarion.campaigns.models import CreateCampaignRequest  # noqa: PLC0415 - the layer is on sys.path now
    from clarion.campaigns.service import create_campaign  # noqa: PLC0415
    from clarion.principal import Principal  # noqa: PLC0415
    from clarion.settings import settings  # noqa: PLC0415
    from clarion.subscribers.service import bulk_create_subscribers  # noqa: PLC0415
    from clarion.topics.service import add_subscribers  # noqa: PLC0415

    caller = Principal("bench", ENVIRONMENT, frozenset())
    settings.cache_clear()
    with registry.environment_of("SubscribersFunction"):
        for start in range(0, recipients, BULK):
            ids = [f"member-{n:06}" for n in range(start, min(start + BULK, recipients))]
            bulk_create_subscribers(caller, [{"subscriberId": s, "email": f"{s}@example.com"} for s in ids])
            add_subscribers(caller, TOPIC, ids)
    with registry.environment_of("CampaignsFunction"):
        step = {"channel": "email", "content": {"subject": "Hello {{ subscriber.subscriberId }}", "body": "<p>Hi</p>"}}
        request = CreateCampaignRequest.model_validate({"name": "Memory", "status": "active", "steps": [step]})
        return create_campaign(caller, request).id
