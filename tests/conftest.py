"""Shared fixtures: a safe AWS environment (never real AWS), sample events, a Lambda context."""

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.log_scan import LogScan

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"

os.environ.update(
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SECURITY_TOKEN="testing",
    AWS_SESSION_TOKEN="testing",
    TZ="UTC",
)
os.environ.pop("AWS_PROFILE", None)


def load_event(name: str) -> dict[str, Any]:
    """A sample event from events/, the same file `sam local invoke --event` takes."""
    return json.loads((EVENTS / name).read_text())


class FakeLambdaContext:
    function_name = "test"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist's first hand-out gives each worker a run of consecutive tests (two with maxschedchunk 1), then one
    # test at a time: so each heavy test, at the head of a run (pytest_collection_modifyitems), gets its own worker
    if getattr(config.option, "maxschedchunk", "absent") is None:
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Heavy tests first, each followed by one other test: pytest-xdist hands the first two tests to one worker, the
    next two to the next (pytest_configure), so each heavy test starts at once on a worker of its own, instead of
    two heavy tests running one after the other on one worker, or a heavy test starting last and running alone."""
    heavy = [item for item in items if item.get_closest_marker("heavy") is not None]
    light = [item for item in items if item.get_closest_marker("heavy") is None]
    ordered: list[pytest.Item] = []
    for item in heavy:
        ordered += [item, *light[:1]]
        light = light[1:]
    items[:] = ordered + light


# The log scan (tests/log_scan.py): every report's captured output is searched once; any personal data or secret
# fails the session. Under pytest-xdist the controller receives every worker's reports, so it scans them all.
_log_scan = LogScan()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # a report carries the sections of the phases before it too: each phase's own, once
    own = [(title, content) for title, content in report.sections if title.endswith(f" {report.when}")]
    _log_scan.scan_sections(f"{report.nodeid} [{report.when}]", own)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _log_scan.findings and not hasattr(session.config, "workerinput"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return
    if _log_scan.findings:
        terminalreporter.section("log scan", red=True)
        for line in _log_scan.summary():
            terminalreporter.write_line(line)
    else:
        terminalreporter.write_line(f"log scan: {_log_scan.scanned_chars} characters of captured output, clean")
