"""A topic campaign triggered for N subscribers, end to end on the local stack: AWS requests per delivered
message, and the engine's time against the bare minimum AWS calls for the same messages on the same moto.

Two bare minimums are timed, both as plain boto3 calls with no Lambda, Powertools or Clarion code:
- exactly once: the calls DESIGN §7 counts as the lower bound of an engine that never sends twice (member pages,
  profile batch reads, record batch writes, batched SQS sends, receives and deletes, one conditional claim and
  one SES call a message, batched outcome writes), about 2.3 requests a message;
- send only: member pages, profile batch reads and one SES call a message, with no record, queue or claim.
"""

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto.ses.models import ses_backends

from bench.within_limits import within_limits
from clarion.engine.fanout import PAGE_SIZE
from clarion.store import keys
from local.runtime import LocalRuntime
from tests.conftest import ROOT

BULK = 500
TOPIC_CALL = 100
ROUNDS = 4
"""Engine runs and exactly-once minimums, alternately first in a round (engine first in the first), so that a
stretch of load on the shared machine weighs on both sides of the ratio, and going first or second on neither. Each
round has a stack of its own: on one stack holding the earlier rounds' records and sent messages, the third and fourth
engine runs took 83.6 and 90.8 s against 75.0 s in the second, while the minimums took 52.7 to 54.6 s."""


@dataclass(frozen=True)
class Fanout:
    recipients: int
    delivered: int
    distinct_recipients: int
    by_operation: dict[str, int]
    polling: dict[str, int]
    engine_seconds: float
    engine_aws_seconds: float
    """Of engine_seconds, the time inside AWS calls (moto): the rest is Clarion, Powertools and the runtime."""
    minimum: "Minimum"
    send_only: "Minimum"
    engine_calls: dict[str, tuple[int, float]]
    """`service:Operation` → (calls, seconds inside them) in the engine's run, polling included."""
    claim: "ClaimCost"
    rounds: list[tuple[float, float]]
    """Each round's (engine CPU seconds, exactly-once minimum's CPU seconds), the same process's CPU time: what
    each costs whatever else loads the machine. The first round's engine run is the one counted above."""

    @property
    def requests(self) -> int:
        return sum(self.by_operation.values())

    @property
    def per_message(self) -> float:
        return self.requests / self.delivered

    @property
    def per_message_with_polling(self) -> float:
        return (self.requests + sum(self.polling.values())) / self.delivered

    @property
    def overhead(self) -> float:
        return self.engine_seconds / self.minimum.seconds

    @property
    def aws_time_ratio(self) -> float:
        """The engine's time inside AWS calls ÷ the exactly-once minimum's: what the calls alone cost."""
        return self.engine_aws_seconds / self.minimum.aws_seconds

    @property
    def overhead_over_send_only(self) -> float:
        return self.engine_seconds / self.send_only.seconds

    @property
    def round_overheads(self) -> list[float]:
        return [engine / minimum for engine, minimum in self.rounds]

    @property
    def cpu_overhead(self) -> float:
        """Engine CPU time ÷ the exactly-once minimum's, same process, over all the rounds: the overhead ratio,
        noise from other work on the machine aside."""
        return sum(engine for engine, _ in self.rounds) / sum(minimum for _, minimum in self.rounds)


@dataclass(frozen=True)
class Minimum:
    seconds: float
    requests: int
    aws_seconds: float
    calls: dict[str, tuple[int, float]]
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class ClaimCost:
    """The engine's claim and the minimum's, each on `claims` queued records the dispatcher's way, same table."""

    claims: int
    engine_ms: float
    minimum_ms: float


def topic_trigger(recipients: int, rounds: int = ROUNDS) -> Fanout:
    pairs: list[tuple[_EngineRun, Minimum]] = []
    for number in range(rounds):
        with _topic_stack(recipients) as (runtime, api, environment_id):
            if number % 2 == 0:
                engine = _engine_run(runtime, api)
                minimum = _timed_minimum(runtime, environment_id, recipients)
            else:
                minimum = _timed_minimum(runtime, environment_id, recipients)
                engine = _engine_run(runtime, api)
            assert engine.delivered == recipients, (number, engine.delivered)
            pairs.append((engine, minimum))
            if number == 0:
                with runtime.count_aws_calls() as send_only_calls:
                    seconds, requests = _send_only_minimum(runtime, environment_id, recipients)
                send_only = Minimum(seconds, requests, send_only_calls.seconds(), send_only_calls.by_operation())
                claim = _claim_cost(runtime, environment_id)
    first, minimum = pairs[0]
    return Fanout(
        recipients,
        first.delivered,
        first.distinct,
        dict(first.made.most_common()),
        dict(first.polling.most_common()),
        first.seconds,
        first.aws_seconds,
        minimum,
        send_only,
        first.calls,
        claim,
        [(engine.cpu_seconds, minimum.cpu_seconds) for engine, minimum in pairs],
    )


@contextmanager
def _topic_stack(recipients: int) -> Iterator[tuple[LocalRuntime, "_Api", str]]:
    """A local stack of its own: `recipients` subscribers in the topic `readers` and an active one-email campaign."""
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="bench-fanout")
        api = _Api(runtime, admin.key)
        ids = [f"reader-{n:06}" for n in range(recipients)]
        for start in range(0, recipients, BULK):
            entries = [{"subscriberId": s, "email": f"{s}@example.com"} for s in ids[start : start + BULK]]
            api.call("POST", "/v1/subscribers/bulk", {"subscribers": entries}, 201)
        api.call("POST", "/v1/topics", {"key": "readers", "name": "Readers"}, 201)
        for start in range(0, recipients, TOPIC_CALL):
            api.call("POST", "/v1/topics/readers/subscribers", {"subscribers": ids[start : start + TOPIC_CALL]}, 200)
        step = {"channel": "email", "content": {"subject": "Issue {{ payload.issue }}", "body": "<p>Hello</p>"}}
        api.call("POST", "/v1/campaigns", {"name": "Digest", "status": "active", "steps": [step]}, 201)
        yield runtime, api, admin.environment_id


@dataclass(frozen=True)
class _EngineRun:
    delivered: int
    distinct: int
    made: Counter[str]
    polling: Counter[str]
    seconds: float
    cpu_seconds: float
    aws_seconds: float
    calls: dict[str, tuple[int, float]]


def _engine_run(runtime: LocalRuntime, api: "_Api") -> _EngineRun:
    """The campaign triggered for the topic, drained to its last email: what the engine did and took."""
    ses = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
    sent_before = len(ses.sent_messages)
    started, started_cpu = time.perf_counter(), time.process_time()
    with runtime.count_aws_calls() as calls:
        trigger = {"name": "digest", "to": {"type": "Topic", "topicKey": "readers"}, "payload": {"issue": 7}}
        api.call("POST", "/v1/events/trigger", trigger, 201)
        runtime.drain(timeout=3600)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
    sent = ses.sent_messages[sent_before:]
    made = Counter(f"{c.service}:{c.operation}" for c in calls.calls if c.function not in (None, "AuthorizerFunction"))
    # the runtime's SQS polling stands for Lambda's event source mappings, which AWS bills as SQS requests
    polling = Counter(f"sqs:{c.operation}" for c in calls.calls if c.function is None and c.service == "sqs")
    distinct = len({tuple(message.destinations["ToAddresses"]) for message in sent})
    return _EngineRun(len(sent), distinct, made, polling, seconds, cpu_seconds, calls.seconds(), calls.by_operation())


def _timed_minimum(runtime: LocalRuntime, environment_id: str, recipients: int) -> Minimum:
    started_cpu = time.process_time()
    with runtime.count_aws_calls() as calls:
        seconds, requests = _exactly_once_minimum(runtime, environment_id, recipients)
    return Minimum(seconds, requests, calls.seconds(), calls.by_operation(), time.process_time() - started_cpu)


def _member_pages(runtime: LocalRuntime, environment_id: str) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The topic's member profiles a page at a time, the engine's page size, with the requests each page took (a
    Query, a BatchGetItem per 100 profiles)."""
    dynamodb = boto3.client("dynamodb")
    table = runtime.resources.tables["SubscribersTable"]
    start_key = None
    while True:
        page: dict[str, Any] = dynamodb.query(
            TableName=table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :sub)",
            ExpressionAttributeValues={
                ":pk": {"S": keys.topic_pk(environment_id, "readers")},
                ":sub": {"S": keys.member_sk("")},
            },
            Limit=PAGE_SIZE,
            **({"ExclusiveStartKey": start_key} if start_key else {}),
        )
        profile_keys = [
            {"pk": {"S": keys.subscriber_pk(environment_id, item["subscriberId"]["S"])}, "sk": {"S": keys.PROFILE_SK}}
            for item in page["Items"]
        ]
        batches = [profile_keys[start : start + 100] for start in range(0, len(profile_keys), 100)]
        profiles = [
            profile
            for batch in batches
            for profile in dynamodb.batch_get_item(RequestItems={table: {"Keys": batch}})["Responses"][table]
        ]
        yield 1 + len(batches), profiles
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return


def _send_email(sesv2: Any, address: str) -> None:
    sesv2.send_email(
        FromEmailAddress="notifications@clarion.local",
        Destination={"ToAddresses": [address]},
        Content={"Simple": {"Subject": {"Data": "Issue 7"}, "Body": {"Html": {"Data": "<p>Hello</p>"}}}},
    )


def _send_only_minimum(runtime: LocalRuntime, environment_id: str, recipients: int) -> tuple[float, int]:
    sesv2 = boto3.client("sesv2")
    requests = 0
    started = time.perf_counter()
    for made, profiles in _member_pages(runtime, environment_id):
        requests += made
        for profile in profiles:
            _send_email(sesv2, profile["email"]["S"])
            requests += 1
    assert requests >= recipients
    return time.perf_counter() - started, requests


def _exactly_once_minimum(runtime: LocalRuntime, environment_id: str, recipients: int) -> tuple[float, int]:
    """Per page, records written 25 a request and jobs sent 10 a request; then jobs received 10 at a time (a
    sender's batch), each claimed with one conditional update and sent with one SES call, the batch's outcomes
    written in one request and its jobs deleted in one. On a queue of its own, so nothing else reads it."""
    dynamodb, sqs, sesv2 = boto3.client("dynamodb"), boto3.client("sqs"), boto3.client("sesv2")
    table = runtime.resources.tables["MessagesTable"]
    queue = sqs.create_queue(QueueName="bench-exactly-once-minimum")["QueueUrl"]
    requests = 0
    started = time.perf_counter()
    for made, profiles in _member_pages(runtime, environment_id):
        requests += made
        records = [_minimum_record(environment_id, profile) for profile in profiles]
        for start in range(0, len(records), 25):
            batch = [{"PutRequest": {"Item": record}} for record in records[start : start + 25]]
            dynamodb.batch_write_item(RequestItems={table: batch})
            requests += 1
        for start in range(0, len(records), 10):
            entries = [
                {"Id": str(n), "MessageBody": json.dumps({"pk": r["pk"]["S"], "to": r["to"]["S"]})}
                for n, r in enumerate(records[start : start + 10])
            ]
            sqs.send_message_batch(QueueUrl=queue, Entries=entries)
            requests += 1
    sent = 0
    while True:
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        requests += 1
        if not received:
            break
        outcomes = []
        for message in received:
            job = json.loads(message["Body"])
            claimed = dynamodb.update_item(
                TableName=table,
                Key={"pk": {"S": job["pk"]}, "sk": {"S": keys.RECORD_SK}},
                UpdateExpression="SET #s = :sending",
                ConditionExpression="#s = :queued",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":sending": {"S": "sending"}, ":queued": {"S": "queued"}},
                ReturnValues="ALL_NEW",
            )["Attributes"]
            _send_email(sesv2, job["to"])
            outcomes.append({"PutRequest": {"Item": claimed | {"status": {"S": "sent"}}}})
            requests += 2
        dynamodb.batch_write_item(RequestItems={table: outcomes})
        handles = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(received)]
        sqs.delete_message_batch(QueueUrl=queue, Entries=handles)
        requests += 2
        sent += len(received)
    assert sent >= recipients, sent
    return time.perf_counter() - started, requests


def _claim_cost(runtime: LocalRuntime, environment_id: str, claims: int = 1000) -> ClaimCost:
    """`DeliveryRecords.claim` (status, attempts, claim time, SendingIndex key, history) against the minimum's
    claim (one SET, same condition), on records written by `DeliveryRecords.create_many`, in alternating blocks of
    100 so that the machine's noise hits both alike."""
    engine = minimum = 0.0
    with runtime.registry.environment_of("EmailSenderFunction"):
        from clarion.store.keys import RECORD_SK, record_pk  # noqa: PLC0415
        from clarion.store.records import DeliveryRecords, new_record  # noqa: PLC0415

        records = DeliveryRecords()
        content = {"subject": "Issue 7", "html": "<p>Hello</p>"}
        written = [
            new_record(environment_id, f"claimed-{n}", "email", to={"email": f"c-{n}@example.com"}, content=content)
            for n in range(2 * claims)
        ]
        records.create_many(written)
        dynamodb = boto3.client("dynamodb")
        for start in range(0, 2 * claims, 200):
            started = time.perf_counter()
            for record in written[start : start + 100]:
                assert records.claim(environment_id, record["_id"]) is not None
            engine += time.perf_counter() - started
            started = time.perf_counter()
            for record in written[start + 100 : start + 200]:
                dynamodb.update_item(
                    TableName=records.table.name,
                    Key={"pk": {"S": record_pk(environment_id, record["_id"])}, "sk": {"S": RECORD_SK}},
                    UpdateExpression="SET #s = :sending",
                    ConditionExpression="#s = :queued",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":sending": {"S": "sending"}, ":queued": {"S": "queued"}},
                    ReturnValues="ALL_NEW",
                )
            minimum += time.perf_counter() - started
    return ClaimCost(claims, engine / claims * 1000, minimum / claims * 1000)


def _minimum_record(environment_id: str, profile: dict[str, Any]) -> dict[str, Any]:
    subscriber_id = profile["subscriberId"]["S"]
    return {
        "pk": {"S": keys.record_pk(environment_id, f"minimum-{subscriber_id}")},
        "sk": {"S": keys.RECORD_SK},
        "status": {"S": "queued"},
        "to": {"S": profile["email"]["S"]},
    }


@dataclass
class _Api:
    runtime: LocalRuntime
    key: str

    def call(self, method: str, path: str, body: Any, expected: int) -> Any:
        headers = {"Authorization": f"Bearer {self.key}"}
        response = within_limits(self.runtime.request, method, path, headers=headers, json=body)
        assert response.status == expected, (path, response.status, response.body[:500])
        return response.json() if response.body else None
