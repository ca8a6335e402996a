"""The fault soak: one campaign of five steps (email, SMS, push, in-app, chat) triggered to a topic of N subscribers
(10,000 messages for 2,000), delivered while local.faults injects provider throttling and 5xx, lost SQS deletes,
sender deaths, a dispatcher death and a few chat webhooks that are down throughout. The runtime clock is moved on
until every message is settled, then what the providers recorded (moto's SES and SNS, the webhook server, the inbox
items) is compared with the delivery records.

`run_soak(runtime, api)` is used by tests/integration/test_fault_soak.py and `make bench`;
`python -m bench.soak` runs it on a runtime of its own and prints the docs/benchmarks.md section.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from moto.dynamodb.models import dynamodb_backends
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from bench.within_limits import within_limits
from clarion.housekeeping.stuck import REQUEUED_REASON
from clarion.store import keys
from local.faults import SENDER_FUNCTIONS, FaultInjector, FaultRates
from local.runtime import LocalRuntime

CHANNELS = ("email", "sms", "push", "in_app", "chat")
QUEUES = {"email": "Email", "sms": "Sms", "push": "Push", "in_app": "InApp", "chat": "Chat"}
OUTCOME_UNKNOWN = "OutcomeUnknown"
BULK = 500
TOPIC_CALL = 100
STEP_SECONDS = 300
"""How far the clock moves between drains: past every backoff (<= 320 s for 5 attempts) and visibility timeout of
the senders (180 s); the dispatch queue's (1800 s) and the 15-minute housekeeping take a few steps."""
MAX_SIMULATED_SECONDS = 6 * 3600
DRAIN_TIMEOUT = 1800
STEPS = [
    {"channel": "email", "content": {"subject": "Order {{ payload.order }}", "body": "<p>Shipped</p>"}},
    {"channel": "sms", "content": {"body": "Order {{ payload.order }} shipped"}},
    {"channel": "push", "content": {"title": "Order {{ payload.order }}", "body": "Shipped"}},
    {"channel": "in_app", "content": {"body": "Order {{ payload.order }} shipped"}},
    {"channel": "chat", "content": {"body": "Order {{ payload.order }} shipped"}},
]


class Response(Protocol):
    status: int
    headers: dict[str, str]

    def json(self) -> Any: ...


class Client(Protocol):
    """What run_soak needs of an API client (tests.integration.conftest.Api)."""

    environment_id: str

    def post(self, path: str, json: Any = None) -> Response: ...


@dataclass
class ChannelFigures:
    messages: int = 0
    sent: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    """Failed records by the reason's code (`OutcomeUnknown`, ...)."""
    dead_lettered: int = 0
    """Records left `queued` with their last error, their job in the channel's DLQ."""
    dead_letter_jobs: int = 0
    """Jobs of those records in the DLQ: more than one for a record the dispatcher's re-run enqueued again."""
    dead_letter_failures: list[int] = field(default_factory=list)
    """Of each of those records, the transient failures its sender met (as `retried` counts them)."""
    retried: int = 0
    """Transient failures the sender met (each put the record back to `queued` with its reason); housekeeping's
    re-queues of dead in-app senders' claims are not counted."""
    recorded: int = 0
    """Messages the provider recorded (SES sent, SNS SMS or endpoint messages, webhook requests answered 200,
    inbox items)."""
    duplicates: int = 0
    """Messages the provider recorded more than once for the same subscriber."""
    lost: list[str] = field(default_factory=list)
    """Why each lost message is lost: no record, a record left unsettled, or `sent` with nothing recorded."""
    delivered_outcome_unknown: int = 0
    """Failed as OutcomeUnknown (its sender died after the provider call) though the provider recorded it."""
    contradicted: list[str] = field(default_factory=list)
    """Recorded by the provider, yet failed for a reason other than OutcomeUnknown (never expected)."""


@dataclass
class SoakReport:
    subscribers: int
    seed: int
    rates: FaultRates
    messages: int
    channels: dict[str, ChannelFigures]
    injected: dict[str, int]
    stranded_claims: int
    invocations: dict[str, int]
    setup_seconds: float
    wall_seconds: float
    simulated_seconds: float
    drains: int

    @property
    def duplicates(self) -> int:
        return sum(figures.duplicates for figures in self.channels.values())

    @property
    def lost(self) -> list[str]:
        return [reason for figures in self.channels.values() for reason in figures.lost]

    @property
    def delivered_outcome_unknown(self) -> int:
        return sum(figures.delivered_outcome_unknown for figures in self.channels.values())

    def injected_by_kind(self) -> dict[str, int]:
        """Provider faults summed per channel, then the other kinds."""
        kinds: Counter[str] = Counter()
        for kind, count in self.injected.items():
            channel = kind.split(" ", 1)[0]
            kinds[f"provider errors ({channel})" if channel in CHANNELS else kind] += count
        return dict(kinds)

    def markdown(self) -> list[str]:
        rates = self.rates
        lines = [
            "",
            f"## Fault soak: {self.messages:,} messages with faults injected",
            "",
            f"One campaign of five steps (email, SMS, push, in-app, chat) triggered to a topic of {self.subscribers:,}",
            f"subscribers on the local stack (bench.soak, seed {self.seed}), while local.faults injects: provider",
            f"throttling or 5xx on {rates.provider:.0%} of the senders' provider calls (SES v2 TooManyRequests/",
            "InternalServiceError, SNS Throttled/InternalError for SMS and push, HTTP 429/503 from the chat webhooks,",
            "DynamoDB ProvisionedThroughputExceeded on the inbox put); lost SQS deletes for",
            f"{rates.lost_delete:.0%} of the jobs a sender finished (redelivered after the visibility timeout); sender",
            f"deaths in {rates.sender_death:.0%} of the sender invocations, after their provider calls and before",
            "recording them; one dispatcher death after writing the records of audience page",
            f"{rates.dispatcher_death_after_page}, before enqueueing them; the chat webhooks of {rates.webhooks_down}",
            "subscribers down for the whole run (503 to every request). The runtime clock moved on "
            f"{self.simulated_seconds / 60:.0f} minutes in {STEP_SECONDS} s steps ({self.drains} drains), so that",
            "backoffs, redeliveries, the dispatch job's return and the 15-minute housekeeping happen. Provider",
            "deliveries are counted per subscriber from what moto's SES and SNS, the webhook server and the inbox",
            "recorded.",
            "",
            "| channel | messages | sent | failed (reason) | queued, job in DLQ | retried by the sender "
            "| provider deliveries | sent twice | lost | delivered, failed OutcomeUnknown |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for channel, figures in self.channels.items():
            failed = ", ".join(f"{count} {reason}" for reason, count in sorted(figures.failed.items())) or "0"
            dead = f"{figures.dead_lettered}" + (
                f" ({figures.dead_letter_jobs} jobs)" if figures.dead_letter_jobs != figures.dead_lettered else ""
            )
            lines.append(
                f"| {channel} | {figures.messages:,} | {figures.sent:,} | {failed} | {dead} "
                f"| {figures.retried} | {figures.recorded:,} | {figures.duplicates} | {len(figures.lost)} "
                f"| {figures.delivered_outcome_unknown} |"
            )
        totals = [sum(getattr(f, name) for f in self.channels.values()) for name in ("messages", "sent", "recorded")]
        failed_total = sum(sum(f.failed.values()) for f in self.channels.values())
        dead_total = sum(f.dead_lettered for f in self.channels.values())
        retried_total = sum(f.retried for f in self.channels.values())
        lines.append(
            f"| **all** | **{totals[0]:,}** | **{totals[1]:,}** | {failed_total} | {dead_total} | {retried_total} "
            f"| {totals[2]:,} | **{self.duplicates}** | **{len(self.lost)}** | {self.delivered_outcome_unknown} |"
        )
        injected = ", ".join(f"{kind} {count}" for kind, count in self.injected_by_kind().items())
        invocations = ", ".join(f"{name} {count}" for name, count in sorted(self.invocations.items()))
        lines += [
            "",
            f"Faults injected: {injected} ({self.stranded_claims} claims stranded in `sending` by the sender deaths).",
            f"Function invocations: {invocations}. Wall time: {self.wall_seconds:.0f} s for the delivery "
            f"(+ {self.setup_seconds:.0f} s creating the subscribers and the topic).",
            "",
            "How each fault is survived: a throttled or failing provider call puts the record back to `queued` with",
            "the error in its history and the job comes back after its backoff (provider calls, the inbox put",
            "included, are single-attempt); a job redelivered after a lost delete finds its record no longer",
            "`queued` and sends nothing (the conditional claim); a dead sender's batch comes back after the",
            "visibility timeout and is skipped for the same reason, and housekeeping settles its claims 15 minutes",
            "later: in-app re-queued (the inbox keeps one copy), the other channels failed as OutcomeUnknown, never",
            "resent, since SES, SNS and webhooks take no idempotency key: those are the messages the providers",
            "delivered though their records say failed (the last column); the dispatcher's job comes back after its",
            "visibility timeout and the re-run writes only the missing records (their ids are derived) and enqueues",
            "those still `queued` and never claimed; a message whose webhook stays down is retried with backoff",
            "until SQS moves its job to the chat DLQ after its fifth receive, its record left `queued` with the last",
            "error, for `POST /v1/dead-letters/chat/redrive` once the receiver is back. Any other channel's job",
            f"whose five receives all meet a provider fault (each {rates.provider:.0%} likely here) goes to its DLQ",
            "the same way.",
            "",
        ]
        return lines


def run_soak(
    runtime: LocalRuntime, api: Client, subscribers: int = 2000, seed: int = 7, rates: FaultRates | None = None
) -> SoakReport:
    rates = rates or FaultRates()
    _housekeeping_swept_once(runtime)
    with FaultInjector(runtime, seed, rates) as faults:
        started = time.monotonic()
        ids = _audience(runtime, api, faults, subscribers)
        setup_seconds = time.monotonic() - started
        invocations_before = Counter(runtime.registry.invocations)
        clock_before = runtime.clock.time()
        started = time.monotonic()
        trigger = {"name": "soak", "to": {"type": "Topic", "topicKey": "soak"}, "payload": {"order": "A-7"}}
        response = api.post("/v1/events/trigger", trigger)
        if response.status != 201:
            raise RuntimeError(f"trigger refused: {response.status} {response.json()}")
        drains = _settle(runtime)
        wall_seconds = time.monotonic() - started
        invocations = Counter(runtime.registry.invocations)
        invocations.subtract(invocations_before)
        channels = _figures(runtime, api.environment_id, ids, faults)
        return SoakReport(
            subscribers=subscribers,
            seed=seed,
            rates=rates,
            messages=sum(figures.messages for figures in channels.values()),
            channels=channels,
            injected=dict(sorted(faults.injected.items())),
            stranded_claims=faults.stranded_claims,
            invocations={name: count for name, count in invocations.items() if count},
            setup_seconds=setup_seconds,
            wall_seconds=wall_seconds,
            simulated_seconds=runtime.clock.time() - clock_before,
            drains=drains,
        )


def _housekeeping_swept_once(runtime: LocalRuntime) -> None:
    """Lets the 15-minute housekeeping run once before the soak, as it has on a deployed stack: its first inbox
    expiry sweep looks 48 hours back (192 index queries), later ones only at the hour since the last."""
    before = runtime.registry.invocations["HousekeepingFunction"]
    while runtime.registry.invocations["HousekeepingFunction"] == before:
        runtime.clock.advance(STEP_SECONDS)
        runtime.drain(timeout=DRAIN_TIMEOUT)


def _audience(runtime: LocalRuntime, api: Client, faults: FaultInjector, count: int) -> list[str]:
    """The push platform applications, `count` subscribers reachable on every channel, the topic and the campaign."""
    with runtime.registry.environment_of(SENDER_FUNCTIONS["push"]):
        import os  # noqa: PLC0415

        from clarion.aws import client  # noqa: PLC0415 - the application's, with the function's environment

        for variable in ("FCM_PLATFORM_APPLICATION_ARN", "APNS_PLATFORM_APPLICATION_ARN"):
            platform, name = os.environ[variable].split(":")[-1].split("/")[1:3]
            attributes = {"PlatformCredential": "local"}
            client("sns").create_platform_application(Name=name, Platform=platform, Attributes=attributes)
    ids = [f"soak-{n:05}" for n in range(count)]
    faults.down_webhooks.update(ids[: faults.rates.webhooks_down])
    for start in range(0, count, BULK):
        entries = [_subscriber(faults, n, ids[n]) for n in range(start, min(start + BULK, count))]
        _expect(within_limits(api.post, "/v1/subscribers/bulk", {"subscribers": entries}), 201)
    _expect(api.post("/v1/topics", {"key": "soak", "name": "Soak"}), 201)
    for start in range(0, count, TOPIC_CALL):
        _expect(api.post("/v1/topics/soak/subscribers", {"subscribers": ids[start : start + TOPIC_CALL]}), 200)
    _expect(api.post("/v1/campaigns", {"name": "Soak", "status": "active", "steps": STEPS}), 201)
    return ids


def _subscriber(faults: FaultInjector, number: int, subscriber_id: str) -> dict[str, Any]:
    return {
        "subscriberId": subscriber_id,
        "email": f"{subscriber_id}@soak.example",
        "phone": _phone(number),
        "channels": [
            {"providerId": "fcm", "credentials": {"deviceTokens": [f"token-{subscriber_id}"]}},
            {"providerId": "slack", "credentials": {"webhookUrl": faults.webhook.url_of(subscriber_id)}},
        ],
    }


def _phone(number: int) -> str:
    return f"+1555{number:07d}"


def _expect(response: Response, status: int) -> None:
    if response.status != status:
        raise RuntimeError(f"expected {status}, got {response.status}: {response.json()}")


def _settle(runtime: LocalRuntime) -> int:
    """Drain, moving the clock on STEP_SECONDS at a time, until no job waits in a queue (the DLQs aside) and no
    claim is left `sending`. Returns the drains made."""
    deadline = runtime.clock.time() + MAX_SIMULATED_SECONDS
    drains = 0
    while True:
        runtime.drain(timeout=DRAIN_TIMEOUT)
        drains += 1
        if _queued_jobs(runtime) == 0 and _claims(runtime) == 0:
            return drains
        if runtime.clock.time() > deadline:
            raise TimeoutError(f"not settled after {MAX_SIMULATED_SECONDS} simulated seconds")
        runtime.clock.advance(STEP_SECONDS)


def _sqs(runtime: LocalRuntime) -> Any:
    return sqs_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]


def _queue(runtime: LocalRuntime, logical_id: str) -> Any:
    return _sqs(runtime).queues[runtime.resources.queues[logical_id].rsplit("/", 1)[-1]]


def _queued_jobs(runtime: LocalRuntime) -> int:
    """Jobs in the channel and dispatch queues, visible or not (moto's own list: reading it changes nothing)."""
    logical_ids = [f"{prefix}Queue" for prefix in QUEUES.values()] + ["DispatchQueue"]
    return sum(len(_queue(runtime, logical_id)._messages) for logical_id in logical_ids)


def _claims(runtime: LocalRuntime) -> int:
    """Records in `sending` (SendingIndex holds only those)."""
    dynamodb = runtime_client(runtime, "dynamodb")
    table = runtime.resources.tables["MessagesTable"]
    count = 0
    for shard in range(4):
        count += dynamodb.query(
            TableName=table,
            IndexName="SendingIndex",
            KeyConditionExpression="sendingKey = :key",
            ExpressionAttributeValues={":key": {"S": keys.sending_key(shard)}},
            Select="COUNT",
        )["Count"]
    return count


def runtime_client(runtime: LocalRuntime, service: str) -> Any:
    from local import clients  # noqa: PLC0415

    return clients.client(service, runtime.stack.resolver.region)


def _table_items(runtime: LocalRuntime, logical_id: str) -> list[dict[str, Any]]:
    """Every item of a table, read from moto's own store (a Scan through boto3 pages the whole table again for
    each 1 MB page: ~30 s for the soak's)."""
    backend = dynamodb_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
    table = backend.get_table(runtime.resources.tables[logical_id])
    return [item.to_regular_json() for partition in table.items.values() for item in partition.values()]


def _dead_letters(runtime: LocalRuntime) -> Counter[str]:
    """How many jobs of each message id the channels' DLQs hold."""
    return Counter(
        json.loads(message.body)["messageId"]
        for prefix in QUEUES.values()
        for message in _queue(runtime, f"{prefix}DeadLetterQueue")._messages
    )


def _recorded(runtime: LocalRuntime, faults: FaultInjector, items: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Per channel, how many messages each subscriber got, as the providers recorded them."""
    account, region = runtime.stack.resolver.account_id, runtime.stack.resolver.region
    ses, sns = ses_backends[account][region], sns_backends[account][region]
    recorded = {channel: Counter[str]() for channel in CHANNELS}
    for message in ses.sent_messages:
        for address in message.destinations.get("ToAddresses", []):
            if address.endswith("@soak.example"):
                recorded["email"][address.split("@")[0]] += 1
    for phone, _ in sns.sms_messages.values():
        if phone.startswith("+1555"):
            recorded["sms"][f"soak-{int(phone[5:]):05}"] += 1
    for endpoint in sns.platform_endpoints.values():
        if endpoint.token.startswith("token-soak-"):
            recorded["push"][endpoint.token.removeprefix("token-")] += len(endpoint.messages)
    for subscriber_id, _ in faults.webhook.accepted:
        recorded["chat"][subscriber_id] += 1
    for item in items:
        if keys.is_inbox_pk(item["pk"]) and item["sk"].startswith(keys.INBOX_MESSAGE_PREFIX):
            recorded["in_app"][item["subscriberId"]] += 1
    return recorded


def _figures(
    runtime: LocalRuntime, environment_id: str, ids: list[str], faults: FaultInjector
) -> dict[str, ChannelFigures]:
    items = _table_items(runtime, "MessagesTable")
    records = {
        (item["channel"], item["subscriberId"]): item
        for item in items
        if item.get("sk") == keys.RECORD_SK and item.get("environmentId") == environment_id
    }
    dead_letters = _dead_letters(runtime)
    recorded = _recorded(runtime, faults, items)
    figures = {channel: ChannelFigures() for channel in CHANNELS}
    for channel in CHANNELS:
        outcome = figures[channel]
        got = recorded[channel]
        outcome.recorded = sum(got.values())
        outcome.duplicates = sum(count - 1 for count in got.values() if count > 1)
        for subscriber_id in ids:
            outcome.messages += 1
            record = records.get((channel, subscriber_id))
            if record is None:
                outcome.lost.append(f"{channel} {subscriber_id}: no record")
                continue
            outcome.dead_letter_jobs += dead_letters[record["_id"]]
            _tally(outcome, record, got[subscriber_id] > 0, record["_id"] in dead_letters)
    return figures


def _tally(outcome: ChannelFigures, record: dict[str, Any], delivered: bool, dead_lettered: bool) -> None:
    history = record.get("history") or []
    reason = str((history[-1] if history else {}).get("reason") or "")
    code = reason.split(":", 1)[0]
    name = f"{record['channel']} {record['_id']}"
    failures = sum(
        1 for entry in history[1:] if entry["status"] == "queued" and entry.get("reason") not in (None, REQUEUED_REASON)
    )
    outcome.retried += failures
    status = record["status"]
    if status == "sent":
        outcome.sent += 1
        if not delivered:
            outcome.lost.append(f"{name}: sent, but its provider recorded nothing")
    elif status == "failed" and reason:
        outcome.failed[code] += 1
        if delivered and code == OUTCOME_UNKNOWN:
            outcome.delivered_outcome_unknown += 1
        elif delivered:
            outcome.contradicted.append(f"{name}: failed ({code}) though its provider recorded it")
    elif status == "queued" and dead_lettered and reason:
        outcome.dead_lettered += 1
        outcome.dead_letter_failures.append(failures)
    else:
        outcome.lost.append(f"{name}: left {status} (reason {code or 'none'}, job in DLQ: {dead_lettered})")


def main() -> None:
    print("\n".join(fault_soak().markdown()))


def fault_soak(subscribers: int = 2000, seed: int = 7) -> SoakReport:
    """The soak on a runtime of its own (`make bench`)."""
    from tests.conftest import ROOT  # noqa: PLC0415
    from tests.integration.conftest import Api  # noqa: PLC0415

    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="bench-soak")
        api = Api(runtime, admin.key, admin.client_id, admin.environment_id)
        return run_soak(runtime, api, subscribers=subscribers, seed=seed)


if __name__ == "__main__":
    main()
