"""App analytics: AWS requests per session or location hit sent in batches of 100, and the time of the analytics
queries over 1,000,000 session hits read from their hourly rollups (written straight to the table: sending a million
hits through moto would take hours), against reading raw hits, measured on fewer and scaled."""

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

from clarion.analytics import sketch
from clarion.dynamo import DynamoTable, Expression
from clarion.store.keys import SESSION_SK, analytics_pk, rollup_hour_sk, session_pk
from local.runtime import LocalRuntime
from tests.conftest import ROOT

BATCH = 100
BATCHES = 20
ROLLUP_HITS = 1_000_000
ROLLUP_USERS = 50_000
ROLLUP_DAYS = 30
RAW_HITS = 20_000
QUERY_ROUNDS = 5


@dataclass
class Ingestion:
    kind: str
    hits: int
    by_operation: dict[str, int]

    @property
    def per_hit(self) -> float:
        return sum(self.by_operation.values()) / self.hits


@dataclass
class Query:
    name: str
    seconds: float
    answer: dict[str, Any] = field(default_factory=dict)
    aws_seconds: float = 0.0


@dataclass
class AnalyticsBench:
    ingestion: list[Ingestion]
    queries: list[Query]
    raw_seconds: float
    raw_hits: int
    rollup_items: int
    distinct_users: int
    estimated_users: int

    @property
    def raw_projected_seconds(self) -> float:
        return self.raw_seconds * ROLLUP_HITS / self.raw_hits


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _session_batches(now: datetime, rng: random.Random) -> list[list[dict[str, Any]]]:
    """Each batch: 50 sessions' starts and ends (5 to 600 s long) of users from a pool of 500, in the last 2 hours."""
    batches = []
    for number in range(BATCHES):
        batch = []
        for index in range(BATCH // 2):
            user, start = f"user-{rng.randrange(500)}", now - timedelta(seconds=rng.randrange(300, 7200))
            sid = f"bench-{number}-{index}"
            end = start + timedelta(seconds=rng.randrange(5, 600))
            batch += [
                {"sessionId": sid, "type": "start", "subscriberId": user, "timestamp": _iso(start)},
                {"sessionId": sid, "type": "end", "subscriberId": user, "timestamp": _iso(end)},
            ]
        batches.append(batch)
    return batches


def _location_batches(rng: random.Random) -> list[list[dict[str, Any]]]:
    cities = [("FR", "Paris"), ("FR", "Lyon"), ("IE", "Dublin"), ("DE", "Berlin"), ("US", "Austin")]
    return [
        [
            {"hitId": f"loc-{number}-{index}", "deviceId": f"device-{rng.randrange(500)}"}
            | dict(zip(("country", "city"), rng.choice(cities), strict=True))
            for index in range(BATCH)
        ]
        for number in range(BATCHES)
    ]


def _ingest(
    runtime: LocalRuntime, headers: dict[str, str], path: str, batches: list[list[dict[str, Any]]]
) -> Ingestion:
    with runtime.count_aws_calls() as calls:
        for batch in batches:
            response = runtime.request("POST", path, headers=headers, json={"hits": batch})
            assert response.status == 201, response.json()
            assert response.json()["data"]["recorded"] == len(batch), response.json()
    operations = Counter(call.operation for call in calls.calls if call.function == "HitsFunction")
    return Ingestion(path, sum(map(len, batches)), dict(sorted(operations.items())))


def _rollups(environment_id: str, start: datetime, rng: random.Random) -> tuple[list[dict[str, Any]], int]:
    """The hourly rollup items of ROLLUP_HITS session starts and ends over ROLLUP_DAYS, by ROLLUP_USERS users."""
    hours = ROLLUP_DAYS * 24
    sessions: Counter[int] = Counter()
    seconds: Counter[int] = Counter()
    registers: dict[int, bytearray] = {}
    seen: set[int] = set()
    new_users: Counter[int] = Counter()
    for _ in range(ROLLUP_HITS // 2):  # a start and an end each
        hour, user = rng.randrange(hours), rng.randrange(ROLLUP_USERS)
        sessions[hour] += 1
        seconds[hour] += rng.randrange(5, 600)
        sketch.raised(registers.setdefault(hour, sketch.empty()), [sketch.entry(f"s:u{user}")])
        if user not in seen:
            seen.add(user)
            new_users[hour] += 1
    items = []
    for hour in range(hours):
        key = (start + timedelta(hours=hour)).strftime("%Y-%m-%dT%H")
        items.append(
            {
                "pk": analytics_pk(environment_id),
                "sk": rollup_hour_sk(key),
                "hour": key,
                "sessions": sessions[hour],
                "endedSessions": sessions[hour],
                "sessionSeconds": seconds[hour],
                "newUsers": new_users[hour],
                "sketch": bytes(registers.get(hour, sketch.empty())),
                "version": 1,
            }
        )
    return items, len(seen)


def _timed(runtime: LocalRuntime, headers: dict[str, str], path: str) -> Query:
    """The median time of the request through the gateway, and of the AWS calls it made (moto's share)."""
    times, aws = [], []
    for _ in range(QUERY_ROUNDS):
        with runtime.count_aws_calls() as calls:
            started = time.perf_counter()
            response = runtime.request("GET", path, headers=headers)
            times.append(time.perf_counter() - started)
        assert response.status == 200, response.json()
        aws.append(sum(call.seconds for call in calls.calls if call.function == "ActivityFunction"))
    return Query(path, median(times), response.json()["data"], median(aws))


def analytics_figures() -> AnalyticsBench:
    rng = random.Random(18)
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="bench-analytics")
        headers = {"Authorization": f"Bearer {admin.key}"}
        now = datetime.fromtimestamp(runtime.clock.time(), UTC)
        ingestion = [
            _ingest(runtime, headers, "/v1/hits/session", _session_batches(now, rng)),
            _ingest(runtime, headers, "/v1/hits/location", _location_batches(rng)),
        ]

        other = runtime.bootstrap_admin(environment_name="bench-analytics-rollups")
        other_headers = {"Authorization": f"Bearer {other.key}"}
        table = DynamoTable(runtime.resources.tables["MessagesTable"])
        first_day = (now - timedelta(days=ROLLUP_DAYS)).date()
        start = datetime.combine(first_day, datetime.min.time(), UTC)
        items, distinct = _rollups(other.environment_id, start, rng)
        table.batch_write(puts=items)
        last_day = first_day + timedelta(days=ROLLUP_DAYS - 1)
        last_week = last_day - timedelta(days=6)
        queries = [
            _timed(runtime, other_headers, f"/v1/analytics/overview?from={first_day}&to={last_day}&granularity=day"),
            _timed(runtime, other_headers, f"/v1/analytics/sessions?from={first_day}&to={last_day}&granularity=week"),
            _timed(runtime, other_headers, f"/v1/analytics/overview?from={last_week}&to={last_day}&granularity=hour"),
        ]

        raw = [
            {"pk": session_pk(other.environment_id, "bench"), "sk": f"{SESSION_SK}#{n:06}", "startedAt": _iso(now)}
            for n in range(RAW_HITS)
        ]
        table.batch_write(puts=raw)
        key = Expression("pk = :pk", values={":pk": session_pk(other.environment_id, "bench")})
        started = time.perf_counter()
        read = sum(len(page) for page in table.query_pages(key))
        raw_seconds = time.perf_counter() - started
        assert read == RAW_HITS
    estimated = queries[0].answer["totals"]["uniqueSessions"]
    return AnalyticsBench(ingestion, queries, raw_seconds, RAW_HITS, len(items), distinct, estimated)


def report_lines(bench: AnalyticsBench) -> list[str]:
    lines = [
        "## Analytics: requests per hit, and queries over 1,000,000 hits from rollups",
        "",
        f"{BATCHES} batches of {BATCH} hits each through the gateway: session hits (50 sessions' starts and ends a",
        "batch, users from a pool of 500, over the last two hours) and location hits (a country and city each, with a",
        "`hitId`). AWS requests of the hits function (the authorizer's are measured on their own; the UpdateItem is",
        "the key's rate-limit bucket, one a request):",
        "",
        "| hits | sent | requests by operation | requests per hit |",
        "|---|---:|---|---:|",
    ]
    for run in bench.ingestion:
        operations = ", ".join(f"{name} {count}" for name, count in run.by_operation.items())
        lines.append(f"| `POST {run.kind}` | {run.hits:,} | {operations} | {run.per_hit:.3f} |")
    lines += [
        "",
        f"Then the rollups of {ROLLUP_HITS:,} session hits (starts and ends) by {bench.distinct_users:,} users over",
        f"{ROLLUP_DAYS} days, computed as ingestion would and written straight to the table ({bench.rollup_items} hour",
        "items with their 2 KB sketches; sending a million hits through moto would take hours), are read through the",
        f"gateway, median of {QUERY_ROUNDS}:",
        "",
        "| query | time (ms) | of which in moto's DynamoDB (ms) | sessions started | unique sessions over the range |",
        "|---|---:|---:|---:|---:|",
    ]
    for query in bench.queries:
        totals = query.answer.get("totals", {})
        total = int(totals.get("sessions", query.answer.get("total", 0)))
        unique = totals.get("uniqueSessions", "")
        lines.append(
            f"| `GET {query.name}` | {query.seconds * 1000:.0f} | {query.aws_seconds * 1000:.0f} "
            f"| {total:,} | {unique} |"
        )
    error = abs(bench.estimated_users - bench.distinct_users) / bench.distinct_users
    lines += [
        "",
        f"Unique sessions over the range: {bench.estimated_users:,} estimated for {bench.distinct_users:,} distinct",
        f"users ({error:.2%} off). Reading raw hits instead: one Query of {bench.raw_hits:,} raw session items took",
        f"{bench.raw_seconds * 1000:.0f} ms on the same moto, so {ROLLUP_HITS:,} would take about",
        f"{bench.raw_projected_seconds:.0f} s (scaled linearly) against the rollups'",
        f"{bench.queries[0].seconds * 1000:.0f} ms.",
        "",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(report_lines(analytics_figures())))
