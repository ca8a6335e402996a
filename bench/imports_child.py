"""The task worker process of bench.imports: the import task worked in one invocation and a bare BatchWriteItem loop
of the same rows, in the order the job gives, counting the import's AWS requests (botocore event hooks on the layer's
clients) and the process's memory around it. Prints the figures as JSON. It imports what the Lambda imports and
nothing else (no moto)."""

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
    profiles = job["profiles"]
    baseline_mb = _peak_rss_mb()
    if job["bareFirst"]:
        bare_seconds, bare_requests = _bare_loop(profiles)
    started = time.perf_counter()
    task_job = TaskJob(environmentId=job["environmentId"], taskId=job["taskId"])
    outcome = run_task(task_job, RUNNERS, remaining_ms=lambda: 900_000)
    import_seconds = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    assert outcome.state == "finished", outcome
    requests = dict(sorted(calls.items()))
    task = get_task(job["environmentId"], job["taskId"])
    assert task.status == "completed", task
    assert task.counts.created == profiles, task
    if not job["bareFirst"]:
        bare_seconds, bare_requests = _bare_loop(profiles)
    figures = {"requests": requests, "import_seconds": round(import_seconds, 2), "bare_seconds": round(bare_seconds, 2)}
    figures |= {"bare_requests": bare_requests, "baseline_mb": round(baseline_mb, 1), "peak_mb": round(peak_mb, 1)}
    print(json.dumps(figures | {"counts": task.counts.model_dump()}))


def _bare_loop(profiles: int) -> tuple[float, int]:
    """The bare minimum for the same result: the same stored profiles (keys and index attributes included), written
    25 a BatchWriteItem to another environment, with no read, no validation and no progress."""
    from clarion.subscribers.repository import SubscribersRepository  # noqa: PLC0415

    repository, now = SubscribersRepository(), "2026-01-01T00:00:00.000Z"
    started, requests = time.perf_counter(), 0
    for start in range(0, profiles, 500):
        stored: list[Any] = [
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
            for n in range(start, min(start + 500, profiles))
        ]
        requests += repository.put_many("bare", stored, created=0)
    return time.perf_counter() - started, requests


if __name__ == "__main__":
    main()
