"""Unit tests' fixtures. `memory_tables` is the in-memory store: the template's DynamoDB tables in moto's in-process
DynamoDB, so repositories, services and the pipeline run unchanged with no runtime, gateway, queue or function."""

import importlib
import itertools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from clarion import clock
from clarion.aws import client
from clarion.principal import Principal
from clarion.scopes import FINE_SCOPES
from clarion.settings import settings
from clarion.store.records import CHANNELS
from local import moto_dynamodb, moto_sqs
from local import template as sam
from local.events import HttpRequest, http_api_event, request_id
from local.runtime import LocalRuntime
from tests.conftest import ROOT, FakeLambdaContext

# the environment variable each table's name reaches the functions by (template.yaml: Globals, or the functions')
TABLE_VARIABLES = {
    "ClientsTable": "CLIENTS_TABLE",
    "SubscribersTable": "SUBSCRIBERS_TABLE",
    "CampaignsTable": "CAMPAIGNS_TABLE",
    "MessagesTable": "MESSAGES_TABLE",
    "IdempotencyTable": "IDEMPOTENCY_TABLE",
    "ConnectionsTable": "CONNECTIONS_TABLE",
}
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection")
SAMPLE_ID = "0" * 24
EVERY_SCOPE = Principal(client_id="c" * 24, environment_id="e" * 24, scopes=frozenset(FINE_SCOPES))
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_hooks = itertools.count()

# moto's DynamoDB and SQS made to cost what the services cost (a transaction no longer copies its tables, a query no
# longer sorts the whole table...), outcomes unchanged: as on the local runtime, which installs the same patches when
# it first starts. Installed here too, so that a unit test costs the same whether or not a runtime ran before it in
# this process (a worker's integration tests), and a run of tests/unit alone is not paying for moto's copies.
moto_dynamodb.install()
moto_sqs.install()


@cache
def template() -> sam.SamTemplate:
    return sam.load(ROOT / "template.yaml")


@cache
def table_definitions() -> dict[str, dict[str, Any]]:
    """CreateTable requests for the template's tables, named by their logical ids."""
    resources = template().resources
    definitions = {}
    for logical_id in TABLE_VARIABLES:
        props = resources[logical_id]["Properties"]
        request: dict[str, Any] = {
            "TableName": logical_id,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = [
                {key: index[key] for key in _INDEX_KEYS} for index in props["GlobalSecondaryIndexes"]
            ]
        definitions[logical_id] = request
    return definitions


_tables_created_by_the_api: list[bool] = []


def create_tables() -> None:
    """The template's tables in moto: through the DynamoDB API the first time in the process (moto validates the
    requests and answers them as DynamoDB does), then by moto's backend from the same requests, which makes the same
    tables without the client's request and moto's response serialisation (3/4 of a unit test's set-up)."""
    if not _tables_created_by_the_api:
        dynamodb = client("dynamodb")
        for request in table_definitions().values():
            dynamodb.create_table(**request)
        _tables_created_by_the_api.append(True)
        return
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][client("dynamodb").meta.region_name]
    for request in table_definitions().values():
        backend.create_table(
            request["TableName"],
            schema=request["KeySchema"],
            throughput=None,
            attr=request["AttributeDefinitions"],
            global_indexes=request.get("GlobalSecondaryIndexes", []),
            indexes=[],
            streams=None,
            billing_mode=request["BillingMode"],
            sse_specification=None,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )


@pytest.fixture
def memory_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The template's tables, empty, in moto's in-memory DynamoDB; the settings name them. Yields logical id → name.

    A local runtime a worker's integration tests started is suspended first (it provisions itself again when next
    used): its mock would be the outer one, keeping moto's state from test to test, and its patched Step Functions
    and Lambda would run this test's calls."""
    LocalRuntime.suspend_active()
    with mock_aws():
        create_tables()
        for logical_id, variable in TABLE_VARIABLES.items():
            monkeypatch.setenv(variable, logical_id)
        settings.cache_clear()
        yield {logical_id: logical_id for logical_id in TABLE_VARIABLES}
    settings.cache_clear()


@pytest.fixture
def journey_settings(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The settings a journey's state machine is created with (its role, its task function), on the tables."""
    from clarion.settings import settings

    monkeypatch.setenv("JOURNEY_ROLE_ARN", "arn:aws:iam::123456789012:role/journeys")
    monkeypatch.setenv("JOURNEY_TASK_FUNCTION_NAME", "journey-task")
    settings.cache_clear()
    return memory_tables


@pytest.fixture
def no_rate_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The stack's rate limits off (0), so no call takes tokens."""
    from clarion.settings import settings

    for variable in ("RATE_LIMIT_TRIGGER", "RATE_LIMIT_CONFIGURATION", "RATE_LIMIT_GLOBAL"):
        monkeypatch.setenv(variable, "0")
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture
def untouched(no_rate_limits: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """AWS with not one table: a handler that read or wrote anything would fail and answer a 5xx, so an answer in
    the error shape proves the request touched nothing."""
    from clarion.settings import settings

    LocalRuntime.suspend_active()  # as memory_tables does
    with mock_aws():
        for variable in TABLE_VARIABLES.values():
            monkeypatch.setenv(variable, "absent")
        settings.cache_clear()
        yield


def handler_of(route_key: str) -> Handler:
    """The Lambda handler of the function the template routes `route_key` to."""
    [route] = [route for route in template().routes if route.route_key == route_key]
    function = template().functions[route.function_id]
    module_name, name = function.handler.rsplit(".", 1)
    handler: Handler = getattr(importlib.import_module(f"{function.code_dir.name}.{module_name}"), name)
    return handler


def call_route(
    route_key: str,
    body: bytes | str = b"",
    content_type: str | None = "application/json",
    caller: Principal = EVERY_SCOPE,
) -> dict[str, Any]:
    """The Lambda proxy answer of the route's function to the event API Gateway passes it for `route_key` (each path
    parameter `SAMPLE_ID`), with the authorizer's context for `caller`; `requestId` is API Gateway's request id."""
    method, path = route_key.split(" ", 1)
    request = HttpRequest(
        method=method,
        raw_path=re.sub(r"\{\w+\}", SAMPLE_ID, path),
        raw_query="",
        headers={"content-type": content_type} if content_type is not None else {},
        body=body.encode() if isinstance(body, str) else body,
        source_ip="127.0.0.1",
        protocol="HTTP/1.1",
        request_id=request_id(),
        received=datetime.now(UTC),
    )
    event = http_api_event(
        request,
        route_key=route_key,
        path_parameters=dict.fromkeys(re.findall(r"\{(\w+)\}", path), SAMPLE_ID),
        api_id="unitapi",
        account_id="123456789012",
        domain="unitapi.execute-api.us-east-1.amazonaws.com",
        authorizer_context=caller.as_context(),
    )
    answer = handler_of(route_key)(event, FakeLambdaContext())
    answer["requestId"] = request.request_id
    return answer


@pytest.fixture
def channel_queues(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Each channel's job queue, with its dead-letter queue after 5 receives as in the template; the settings name
    them. Yields channel → queue URL."""

    sqs, urls = client("sqs"), {}
    for channel in CHANNELS:
        dead_letters = sqs.create_queue(QueueName=f"{channel}-dlq")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})
        queue = sqs.create_queue(QueueName=channel, Attributes={"RedrivePolicy": policy})
        urls[channel] = queue["QueueUrl"]
        monkeypatch.setenv(f"{channel.upper()}_QUEUE_URL", urls[channel])
    settings.cache_clear()
    return urls


@contextmanager
def answered(operation: str, answers: list[Callable[[dict[str, Any]], dict[str, Any]]]) -> Iterator[None]:
    """The next len(answers) `operation` requests get the answer each function builds from the request's body (as
    DynamoDB would throttle them), instead of reaching the store; later requests reach it."""
    pending = list(answers)
    hook = f"test-answers-{next(_hooks)}"
    events = client("dynamodb").meta.events

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not pending:
            return None
        parsed = pending.pop(0)(json.loads(params["body"]))
        status = 400 if "Error" in parsed else 200
        return AWSResponse("https://dynamodb.test", status, {}, None), parsed | {"ResponseMetadata": {}}

    events.register_first(f"before-call.dynamodb.{operation}", answer, unique_id=hook)
    try:
        yield
    finally:
        events.unregister(f"before-call.dynamodb.{operation}", unique_id=hook)


class StillClock:
    """The layer's time source (`clarion.clock.use`), at `moment` until the test moves it; with `step`, each read of
    the time first moves it `step` seconds (timestamps written one after another then differ)."""

    def __init__(self, moment: datetime | float, step: float = 0.0) -> None:
        self.now = moment.timestamp() if isinstance(moment, datetime) else float(moment)
        self.step = step

    def time(self) -> float:
        self.now += self.step
        return self.now

    def monotonic(self) -> float:
        return self.now

    def advance(self, delta: timedelta | None = None, **parts: float) -> None:
        self.now += (delta or timedelta(**parts)).total_seconds()


@pytest.fixture
def use_clock() -> Iterator[Callable[..., StillClock]]:
    """`use_clock(moment, step=0)`: a StillClock is the layer's time source until the test ends."""

    def use(moment: datetime | float, step: float = 0.0) -> StillClock:
        source = StillClock(moment, step)
        clock.use(source)
        return source

    yield use
    clock.use(None)
