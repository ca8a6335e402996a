"""A topic campaign triggered for N subscribers, end to end on the local stack: AWS requests per delivered
message, and the engine's time against the bare minimum AWS calls for the same messages on the same moto."""

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import boto3
from moto.ses.models import ses_backends

from local.runtime import LocalRuntime
from tests.conftest import ROOT

BULK = 500
TOPIC_CALL = 100


@dataclass(frozen=True)
class Fanout:
    recipients: int
    delivered: int
    distinct_recipients: int
    by_operation: dict[str, int]
    polling: dict[str, int]
    engine_seconds: float
    minimum_seconds: float
    minimum_requests: int

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
        return self.engine_seconds / self.minimum_seconds


def topic_trigger(recipients: int) -> Fanout:
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
        ses = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
        sent_before = len(ses.sent_messages)

        started = time.perf_counter()
        with runtime.count_aws_calls() as calls:
            trigger = {"name": "digest", "to": {"type": "Topic", "topicKey": "readers"}, "payload": {"issue": 7}}
            api.call("POST", "/v1/events/trigger", trigger, 201)
            runtime.drain(timeout=3600)
        engine_seconds = time.perf_counter() - started
        sent = ses.sent_messages[sent_before:]
        delivered = len(sent)
        distinct = len({tuple(message.destinations["ToAddresses"]) for message in sent})
        made = Counter(
            f"{c.service}:{c.operation}" for c in calls.calls if c.function not in (None, "AuthorizerFunction")
        )
        # the runtime's SQS polling stands for Lambda's event source mappings, which AWS bills as SQS requests
        polling = Counter(f"sqs:{c.operation}" for c in calls.calls if c.function is None and c.service == "sqs")
        minimum_seconds, minimum_requests = _bare_minimum(runtime, admin.environment_id, recipients)
        return Fanout(
            recipients,
            delivered,
            distinct,
            dict(made.most_common()),
            dict(polling.most_common()),
            engine_seconds,
            minimum_seconds,
            minimum_requests,
        )


def _bare_minimum(runtime: LocalRuntime, environment_id: str, recipients: int) -> tuple[float, int]:
    """What any engine must do for these messages: read the topic's members and their profiles a page at a time,
    and make one SES call per message; no records, no queues, no claims."""
    dynamodb, sesv2 = boto3.client("dynamodb"), boto3.client("sesv2")
    table = runtime.resources.tables["SubscribersTable"]
    requests, start_key = 0, None
    started = time.perf_counter()
    while True:
        page: dict[str, Any] = dynamodb.query(
            TableName=table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :sub)",
            ExpressionAttributeValues={":pk": {"S": f"ENV#{environment_id}#TOPIC#readers"}, ":sub": {"S": "SUB#"}},
            Limit=100,
            **({"ExclusiveStartKey": start_key} if start_key else {}),
        )
        keys = [
            {"pk": {"S": f"ENV#{environment_id}#SUB#{item['subscriberId']['S']}"}, "sk": {"S": "PROFILE"}}
            for item in page["Items"]
        ]
        profiles = dynamodb.batch_get_item(RequestItems={table: {"Keys": keys}})["Responses"][table] if keys else []
        requests += 2
        for profile in profiles:
            sesv2.send_email(
                FromEmailAddress="notifications@clarion.local",
                Destination={"ToAddresses": [profile["email"]["S"]]},
                Content={"Simple": {"Subject": {"Data": "Issue 7"}, "Body": {"Html": {"Data": "<p>Hello</p>"}}}},
            )
            requests += 1
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            break
    assert requests >= recipients
    return time.perf_counter() - started, requests


@dataclass
class _Api:
    runtime: LocalRuntime
    key: str

    def call(self, method: str, path: str, body: Any, expected: int) -> Any:
        response = self.runtime.request(method, path, headers={"Authorization": f"Bearer {self.key}"}, json=body)
        assert response.status == expected, (path, response.status, response.body[:500])
        return response.json() if response.body else None
