"""The dispatcher's peak memory for a large topic audience, on a stack the segment bench (bench.segments) shares.

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

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
PLAN = "plan"
PRO_EVERY = 10


@dataclass(frozen=True)
class DispatcherMemory:
    recipients: int
    records: int
    enqueued: int
    baseline_mb: float
    peak_mb: float
    seconds: float


def send_job(campaign_id: str, transaction_id: str, targets: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "send",
        "environmentId": ENVIRONMENT,
        "campaignId": campaign_id,
        "transactionId": transaction_id,
        "payload": {},
        "targets": {"subscriberIds": [], "topicKeys": [], "all": False} | targets,
        "cursor": None,
    }


@dataclass(frozen=True)
class ServedStack:
    """The template provisioned on moto, in this process and served on `port` to the child processes."""

    stack: Stack
    registry: FunctionRegistry
    port: int
    environ: dict[str, str]
    """The environment before the stack: what a child process starts from."""

    def run_child(self, module: str, function: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Runs `python -m module` with `payload` on its stdin in a process of its own, with the environment the
        template gives `function` and this stack's moto as its AWS: what the child prints last, as JSON."""
        environment = self.registry.environment(self.registry.functions[function])
        child = subprocess.run(
            [sys.executable, "-m", module],
            input=json.dumps(payload),
            env=self.environ
            | DEFAULTS
            | environment
            | {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{self.port}", "PYTHONPATH": PATH},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode:
            raise RuntimeError(f"{module} failed:\n{child.stderr[-3000:]}")
        measured: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
        return measured


@dataclass(frozen=True)
class Seeded(ServedStack):
    """A served stack holding `recipients` profiles (every PRO_EVERY-th on the pro plan), all in the TOPIC topic,
    and an active one-email campaign."""

    recipients: int
    campaign_id: str

    def dispatch(self, job: dict[str, Any]) -> dict[str, Any]:
        """One dispatcher invocation for `job` in a process of its own: its baseline and peak RSS, time and AWS
        requests by operation."""
        return self.run_child("bench.dispatcher_child", "DispatcherFunction", job)

    def written(self, transaction_id: str) -> tuple[int, int]:
        """The job's delivery records and the email jobs waiting, read from moto's own state."""
        return _written(self.stack, transaction_id)


@contextmanager
def served_stack() -> Iterator[ServedStack]:
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
            yield ServedStack(stack, FunctionRegistry(stack.functions, region=stack.resolver.region), port, saved)
    finally:
        server.stop()
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def seeded_stack(recipients: int) -> Iterator[Seeded]:
    with served_stack() as served:
        campaign_id = _seed(served.registry, recipients)
        yield Seeded(served.stack, served.registry, served.port, served.environ, recipients, campaign_id)


def dispatcher_peak_memory(seeded: Seeded) -> DispatcherMemory:
    """The whole topic fanned out in one invocation."""
    measured = seeded.dispatch(send_job(seeded.campaign_id, TRANSACTION, {"topicKeys": [TOPIC]}))
    records, enqueued = seeded.written(TRANSACTION)
    return DispatcherMemory(
        recipients=seeded.recipients,
        records=records,
        enqueued=enqueued,
        baseline_mb=measured["baseline_mb"],
        peak_mb=measured["peak_mb"],
        seconds=measured["seconds"],
    )


def _profile(number: int) -> dict[str, Any]:
    """Every PRO_EVERY-th profile is on the pro plan: the segment bench's rule matches those."""
    subscriber_id = f"member-{number:06}"
    plan = "pro" if number % PRO_EVERY == 0 else "free"
    return {"subscriberId": subscriber_id, "email": f"{subscriber_id}@example.com", "attributes": {PLAN: plan}}


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
    from clarion.audience.models import CreateAttributeRequest  # noqa: PLC0415 - the layer is on sys.path now
    from clarion.audience.service import create_attribute  # noqa: PLC0415
    from clarion.campaigns.models import CreateCampaignRequest  # noqa: PLC0415
    from clarion.campaigns.service import create_campaign  # noqa: PLC0415
    from clarion.principal import Principal  # noqa: PLC0415
    from clarion.settings import settings  # noqa: PLC0415
    from clarion.subscribers.service import bulk_create_subscribers  # noqa: PLC0415
    from clarion.topics.service import add_subscribers  # noqa: PLC0415

    caller = Principal("bench", ENVIRONMENT, frozenset())
    settings.cache_clear()
    with registry.environment_of("AudienceFunction"):
        create_attribute(caller, CreateAttributeRequest(name=PLAN, type="string"))
    with registry.environment_of("SubscribersFunction"):
        for start in range(0, recipients, BULK):
            numbers = range(start, min(start + BULK, recipients))
            ids = [f"member-{n:06}" for n in numbers]
            bulk_create_subscribers(caller, [_profile(n) for n in numbers])
            add_subscribers(caller, TOPIC, ids)
    with registry.environment_of("CampaignsFunction"):
        step = {"channel": "email", "content": {"subject": "Hello {{ subscriber.subscriberId }}", "body": "<p>Hi</p>"}}
        request = CreateCampaignRequest.model_validate({"name": "Memory", "status": "active", "steps": [step]})
        return create_campaign(caller, request).id
