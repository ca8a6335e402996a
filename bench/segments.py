"""A segment over the dispatcher memory bench's profiles: counting it and fanning a campaign out to it, against a
full-table Scan of the same table in the same run.

The count runs in this process (the segments service, as `GET /v1/segments/{id}/count` runs it); the fan-out is one
dispatcher invocation in a process of its own, as the topic fan-out is (bench.dispatcher_memory). The Scan reads the
whole SubscribersTable, every environment and every kind of item, filtered to the same profiles: what a count
without the environment's ListIndex partition would cost.
"""

import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from bench.dispatcher_memory import ENVIRONMENT, PLAN, PRO_EVERY, Seeded, seeded_stack, send_job
from local import clients
from local.aws_calls import count_aws_calls

RULE = {"type": "attribute", "name": PLAN, "operator": "eq", "value": "pro"}
TRANSACTION = "segment-bench"


@dataclass(frozen=True)
class Pass:
    matched: int
    requests: dict[str, int]
    seconds: float

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


@dataclass(frozen=True)
class SegmentBench:
    profiles: int
    expected: int
    count: Pass
    scan: Pass
    fanout: Pass
    records: int
    enqueued: int
    baseline_mb: float
    peak_mb: float


def segment_over_profiles(seeded: Seeded) -> SegmentBench:
    segment_id = _create_segment(seeded)
    count = _count(seeded, segment_id)
    scan = _scan(seeded)
    _, waiting = seeded.written(TRANSACTION)
    measured = seeded.dispatch(
        send_job(seeded.campaign_id, TRANSACTION, {"segment": {"_id": segment_id, "rule": RULE}})
    )
    records, enqueued = seeded.written(TRANSACTION)
    return SegmentBench(
        profiles=seeded.recipients,
        expected=len(range(0, seeded.recipients, PRO_EVERY)),
        count=count,
        scan=scan,
        fanout=Pass(records, measured["requests"], measured["seconds"]),
        records=records,
        enqueued=enqueued - waiting,
        baseline_mb=measured["baseline_mb"],
        peak_mb=measured["peak_mb"],
    )


def _caller() -> Any:
    from clarion.principal import Principal  # noqa: PLC0415 - the layer is on sys.path once the stack is seeded

    return Principal("bench", ENVIRONMENT, frozenset())


def _create_segment(seeded: Seeded) -> str:
    from clarion.segments.models import CreateSegmentRequest  # noqa: PLC0415
    from clarion.segments.service import create_segment  # noqa: PLC0415

    with seeded.registry.environment_of("SegmentsFunction"):
        request = CreateSegmentRequest.model_validate({"name": "Pro plan", "rule": RULE})
        return create_segment(_caller(), request).id


def _count(seeded: Seeded, segment_id: str) -> Pass:
    from clarion.segments.service import count_segment  # noqa: PLC0415

    with seeded.registry.environment_of("SegmentsFunction"), count_aws_calls() as calls:
        started = time.perf_counter()
        counted = count_segment(_caller(), segment_id)
        seconds = time.perf_counter() - started
    requests = Counter(f"{call.service}:{call.operation}" for call in calls.calls)
    return Pass(counted.count, dict(sorted(requests.items())), seconds)


def _scan(seeded: Seeded) -> Pass:
    from clarion.store.keys import PROFILE_SK, environment_pk  # noqa: PLC0415

    dynamodb = clients.client("dynamodb", seeded.stack.resolver.region)
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=seeded.stack.resources.tables["SubscribersTable"],
        FilterExpression="begins_with(pk, :environment) AND sk = :profile AND attributes.#plan = :pro",
        ExpressionAttributeNames={"#plan": PLAN},
        ExpressionAttributeValues={
            ":environment": {"S": f"{environment_pk(ENVIRONMENT)}#"},
            ":profile": {"S": PROFILE_SK},
            ":pro": {"S": "pro"},
        },
        Select="COUNT",
    )
    started = time.perf_counter()
    matched = requests = 0
    for page in pages:
        matched += page["Count"]
        requests += 1
    return Pass(matched, {"dynamodb:Scan": requests}, time.perf_counter() - started)


def _operations(requests: dict[str, int]) -> str:
    return ", ".join(f"{operation} {count:,}" for operation, count in sorted(requests.items()))


def summary_row(run: SegmentBench, memory_target_mb: int) -> str:
    met = "yes" if run.peak_mb <= memory_target_mb else "**no**"
    return (
        f"| segment fan-out peak RSS, {run.profiles:,} profiles | {run.peak_mb:.1f} MB | <= {memory_target_mb} MB "
        f"| {met} |"
    )


def markdown(run: SegmentBench, memory_target_mb: int) -> list[str]:
    return [
        f"## A segment over {run.profiles:,} profiles",
        "",
        f"A stack seeded as the dispatcher memory bench's: {run.profiles:,} profiles in a topic, every {PRO_EVERY}th",
        f"with the attribute `{PLAN} = pro`, and a segment of the rule `{PLAN} eq pro` (bench.segments). The count is",
        "`GET /v1/segments/{id}/count`'s service call in this process; the fan-out is one dispatcher invocation",
        "in a process of its own (as above); the Scan reads the whole SubscribersTable (every kind of item the",
        "profiles' environment holds: topic memberships, counters, ...) filtered to the same profiles, with",
        "`Select=COUNT`. Requests counted at the boto3 client; times in the same run, against the same moto.",
        "The local stack makes moto's Query of an index (the keys-only ListIndex a pass pages through) and its",
        "Scan cost a page, as DynamoDB's do, where moto's own read and sort the whole table for every page",
        "(local/moto_dynamodb.py): a pass's time grows with the profiles, not with profiles x pages.",
        "",
        "| pass | matched | requests by operation | requests | time |",
        "|---|---:|---|---:|---:|",
        f"| segment count | {run.count.matched:,} | {_operations(run.count.requests)} | "
        f"{run.count.total_requests:,} | {run.count.seconds:.1f} s |",
        f"| full-table Scan, filtered | {run.scan.matched:,} | {_operations(run.scan.requests)} | "
        f"{run.scan.total_requests:,} | {run.scan.seconds:.1f} s |",
        f"| campaign fan-out to the segment | {run.fanout.matched:,} | {_operations(run.fanout.requests)} | "
        f"{run.fanout.total_requests:,} | {run.fanout.seconds:.1f} s |",
        "",
        "| figure | value | target |",
        "|---|---:|---|",
        f"| members expected / counted / records written / email jobs enqueued | {run.expected:,} / "
        f"{run.count.matched:,} / {run.records:,} / {run.enqueued:,} | all equal |",
        f"| count time / Scan time | {run.count.seconds / run.scan.seconds:.2f} | |",
        f"| count requests / Scan requests | {run.count.total_requests / run.scan.total_requests:.2f} | |",
        f"| count requests per profile | {run.count.total_requests / run.profiles:.3f} | |",
        f"| fan-out time / Scan time | {run.fanout.seconds / run.scan.seconds:.2f} | |",
        f"| fan-out requests per profile | {run.fanout.total_requests / run.profiles:.3f} | |",
        f"| fan-out peak RSS (after import: {run.baseline_mb:.1f} MB) | {run.peak_mb:.1f} MB "
        f"| <= {memory_target_mb} MB |",
        "",
        "A Scan request reads up to 1 MB of items, so on a table holding one small environment it takes fewer",
        "requests than the keyed pass's 2 per 100 profiles; but it reads every environment's items and every kind of",
        "item, and DynamoDB bills the bytes read, so its cost grows with the table, where the pass's grows with the",
        "environment's profiles (docs/data-model.md, Segments: past one table scan).",
        "",
    ]


def main() -> None:
    """`python -m bench.segments PROFILES`: the run on a stack of its own, as JSON (tests/local/test_segment_bench)."""
    with seeded_stack(int(sys.argv[1])) as seeded:
        print(json.dumps(asdict(segment_over_profiles(seeded))))


if __name__ == "__main__":
    main()
