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
    from clarion.settings import settings  # noqa: PLC0415
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

    dynamodb, table = client("dynamodb"), settings().subscribers_table
    bare_started, bare_requests = time.perf_counter(), 0
    for start in range(0, job["profiles"], 25):
        items = [
            {
                "PutRequest": {
                    "Item": {
                        "pk": {"S": f"ENV#bare#SUB#person-{n:06}"},
                        "sk": {"S": "PROFILE"},
                        "subscriberId": {"S": f"person-{n:06}"},
                        "email": {"S": f"person-{n}@example.com"},
                        "firstName": {"S": f"Person {n}"},
                    }
                }
            }
            for n in range(start, min(start + 25, job["profiles"]))
        ]
        dynamodb.batch_write_item(RequestItems={table: items})
        bare_requests += 1
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
