"""`make bench`: measure, then write docs/benchmarks.md."""

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.authorizer_reads import dynamodb_reads_per_repeated_authorization
from bench.bulk_create import BATCH, aws_requests_per_bulk_create
from bench.cold_start import BASELINE, measure
from local.template import load

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
COLD_START_TARGET = 1.3


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    template = load(ROOT / "template.yaml")
    modules = {spec.logical_id: spec.handler.rsplit(".", 1)[0] for spec in template.functions.values()}
    timings = {t.module: t for t in measure(sorted(modules.values()))}
    reads = dynamodb_reads_per_repeated_authorization(repeats=20)
    bulk = aws_requests_per_bulk_create()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=False
    ).stdout
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit.strip() or 'unknown'},",
        f"on {machine()}. The machine is shared and noisy: the figures are counts and ratios taken in one run.",
        "",
        "## Cold start: handler import time against a one-route Powertools resolver",
        "",
        f"Each handler module is imported in a fresh interpreter, interleaved with the baseline (`{BASELINE}`:",
        "one route, `enable_validation=True`, Logger + Tracer + Metrics decorators); medians of 7 rounds.",
        f"Target: ratio <= {COLD_START_TARGET}.",
        "",
        "| function | handler module | import (ms) | baseline (ms) | ratio | target met |",
        "|---|---|---:|---:|---:|---|",
    ]
    for function, module in sorted(modules.items()):
        timing = timings[module]
        lines.append(
            f"| {function} | `{module}` | {timing.median_seconds * 1000:.0f} | {timing.baseline_seconds * 1000:.0f} "
            f"| {timing.ratio:.2f} | {'yes' if timing.ratio <= COLD_START_TARGET else 'NO'} |"
        )
    lines += [
        "",
        "## Authorization: DynamoDB calls for a repeated key on a warm container",
        "",
        "One key authorized once, then again on 20 other route calls whose gateway cache entries are cold",
        "(each a different route or the first call after the gateway cache was cleared), so the authorizer",
        "function itself runs every time. Counted at the boto3 client. Target: 0.",
        "",
        "| authorizations | DynamoDB calls by the authorizer | per authorization |",
        "|---:|---:|---:|",
        f"| {reads.authorizations} | {reads.dynamodb_calls} | {reads.per_authorization:.2f} |",
        "",
        f"## Bulk create: AWS requests per {BATCH} subscribers",
        "",
        f"One `POST /v1/subscribers/bulk` of {BATCH} subscribers, all new, then the same {BATCH} again (all existing,",
        "so updated). Requests the subscribers function makes, counted at the boto3 client: existing profiles",
        "read 100 a BatchGetItem, profiles written 25 a BatchWriteItem, the subscriber counter updated once.",
        "",
        "| case | requests by operation | total | per subscriber |",
        "|---|---|---:|---:|",
    ]
    for case in bulk:
        operations = ", ".join(f"{operation} {count}" for operation, count in case.by_operation.items())
        lines.append(f"| {case.case} | {operations} | {case.total} | {case.per_subscriber:.3f} |")
    lines.append("")
    REPORT.write_text("\n".join(lines))
    print(REPORT.read_text())


if __name__ == "__main__":
    main()
