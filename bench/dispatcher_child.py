"""The dispatcher process of bench.dispatcher_memory: one invocation for the job on stdin, then its peak RSS, time
and AWS requests as JSON. It imports what the Lambda imports and nothing else (no moto)."""

import json
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any


def main() -> None:
    job = json.loads(sys.stdin.read())
    from dispatcher.handler import lambda_handler  # noqa: PLC0415 - imported as Lambda's init phase would

    requests = _count_requests()

    baseline_mb = _peak_rss_mb()
    started = time.perf_counter()
    context = SimpleNamespace(
        function_name="dispatcher",
        memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:dispatcher",
        aws_request_id="memory-bench",
        get_remaining_time_in_millis=lambda: 900_000,
    )
    event = {"Records": [_sqs_record(job)]}
    response: dict[str, Any] = lambda_handler(event, context)
    assert not response.get("batchItemFailures"), response
    seconds = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    print(
        json.dumps(
            {
                "baseline_mb": round(baseline_mb, 1),
                "peak_mb": round(peak_mb, 1),
                "seconds": round(seconds, 1),
                "requests": dict(requests),
            }
        )
    )


def _count_requests() -> Counter[str]:
    """Every AWS API call the invocation makes, by `service:Operation` (botocore's client entry point)."""
    from botocore.client import BaseClient  # noqa: PLC0415 - after the handler, as its imports load botocore

    counted: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def counting(client: Any, operation: str, params: Any) -> Any:
        counted[f"{client.meta.service_model.service_name}:{operation}"] += 1
        return original(client, operation, params)

    BaseClient._make_api_call = counting
    return counted


def _peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    (line,) = (line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _sqs_record(job: dict[str, Any]) -> dict[str, Any]:
    return {
        "messageId": "memory-bench",
        "receiptHandle": "memory-bench",
        "body": json.dumps(job),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "0",
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": "0",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:dispatch",
        "awsRegion": "us-east-1",
    }


if __name__ == "__main__":
    main()
