"""The segment bench (bench.segments) on a small stack of its own process: what docs/benchmarks.md reports is what
the run did."""

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from clarion.engine.fanout import PAGE_SIZE
from tests.conftest import ROOT

PROFILES = 120


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.segments", str(PROFILES)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": "functions:layers/core:."},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_count_the_fan_out_and_the_scan_agree_on_the_members(run: dict[str, Any]) -> None:
    assert run["expected"] == 12
    counted = (run["count"]["matched"], run["scan"]["matched"], run["records"], run["enqueued"])
    assert counted == (12, 12, 12, 12)


def test_a_count_reads_a_keys_page_and_its_profiles_per_hundred_profiles(run: dict[str, Any]) -> None:
    pages = -(-PROFILES // 100)
    assert run["count"]["requests"] == {"dynamodb:BatchGetItem": pages, "dynamodb:GetItem": 1, "dynamodb:Query": pages}


def test_a_fan_out_page_reads_its_profiles_and_writes_and_sends_its_members_only(run: dict[str, Any]) -> None:
    """The bench's 120 profiles are one page of the dispatcher's: their profiles read 100 a BatchGetItem, then only
    the 12 members' preferences (two keys each), suppressions and records are read; their 12 records are written in
    one BatchWriteItem and their jobs sent 10 a SendMessageBatch."""
    assert PROFILES <= PAGE_SIZE
    assert run["fanout"]["requests"] == {
        "dynamodb:BatchGetItem": 2 + 1 + 1 + 1,
        "dynamodb:BatchWriteItem": 1,
        "dynamodb:GetItem": 3,
        "dynamodb:Query": 2,
        "dynamodb:UpdateItem": 1,
        "sqs:SendMessageBatch": 2,
    }


def test_the_fan_out_stays_far_below_the_memory_target(run: dict[str, Any]) -> None:
    assert 0 < run["baseline_mb"] <= run["peak_mb"] < 200
