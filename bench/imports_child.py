"""The task worker process of bench.imports: the import task worked in one invocation, counting its AWS requests
(botocore event hooks on the layer's clients), then a bare BatchWriteItem loop of the same rows; prints the figures as
JSON. It imports what the Lambda imports and nothing else (no moto)."""

import json
import sys
import time
from collections import Counter
from typing import Any

from bench.dispatcher_child import _peak_rss_mb


def main() -> None:
    job = json.loads(sys.stdin.read())
    from clarion.aws import client  # noqa: PLC0415 - imported as Lambda's init phase would
    from clarion.task_kinds import RUNNERS  # noqa: PLC0415
    from clarion.tasks.models import TaskJob  # noqa: PLC0415
    from clarion.tasks.runner import run_task  # noqa: PLC0415
    from clarion.tasks.service import get_task  # noqa: PLC0415

    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.split(".", 1)[1]] += 1

    for service in ("dynamodb", "s3", "sqs"):
        client(service).meta.events.register("before-call.*.*", count)
    baseline_mb = _peak_rss_mb()
    started = time.perf_counter()
    outcome = run_task(
        TaskJob(environmentId=job["environmentId"], taskId=job["taskId"]), RUNNERS, remaining_ms=lambda: 900_000
    )
    import_seconds = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    assert outcome.state == "finished", outcome
    requests = dict(sorted(calls.items()))
    task = get_task(job["environmentId"], job["taskId"])
    assert task.status == "completed", task
    assert task.counts.created == job["profiles"], task

    # the bare minimum for the same result: the same stored profiles (keys and index attributes included), written
    # 25 a BatchWriteItem to another environment, with no read, no validation and no progress
    from clarion.subscribers.repository import SubscribersRepository  # noqa: PLC0415

    repository, now = SubscribersRepository(), "2026-01-01T00:00:00.000Z"
    bare_started, bare_requests = time.perf_counter(), 0
    for start in range(0, job["profiles"], 500):
        profiles: list[Any] = [
            {
                "id": f"{n:024x}",
                "organizationId": "clarion",
                "environmentId": "bare",
                "subscriberId": f"person-{n:06}",
                "email": f"person-{n}@example.com",
                "firstName": f"Person {n}",
                "channels": [],
                "isOnline": False,
                "deleted": False,
                "createdAt": now,
                "updatedAt": now,
            }
            for n in range(start, min(start + 500, job["profiles"]))
        ]
        bare_requests += repository.put_many("bare", profiles, created=0)
    bare_seconds = time.perf_counter() - bare_started
    print(
        json.dumps(
            {
                "requests": requests,
                "import_seconds": round(import_seconds, 1),
                "bare_seconds": round(bare_seconds, 1),
                "bare_requests": bare_requests,
                "baseline_mb": round(baseline_mb, 1),
                "peak_mb": round(peak_mb, 1),
                "counts": task.counts.model_dump(),
            }
        )
    )


if __name__ == "__main__":
    main()
