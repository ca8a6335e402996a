"""The runtime over real HTTP: few tests, marked slow.

Server mode runs in a subprocess (`python -m local`): module-level boto3 clients bind to the endpoint of
their creation, so server and in-process runtimes do not share a test process.
"""

import contextlib
import json
import logging
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
import requests

from local.http_server import GatewayServer
from local.runtime import LocalRuntime, free_port
from tests.local.conftest import ALLOW, FIXTURES, TEMPLATE

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def eventually(check: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_gateway_answers_real_http_requests_on_a_free_port(runtime: LocalRuntime) -> None:
    server = GatewayServer(runtime.gateway, port=0).start()
    try:
        put = requests.put(f"{server.url}/items/http-1", json={"owner": "web"}, headers=ALLOW, timeout=10)
        got = requests.get(f"{server.url}/items/http-1", headers=ALLOW, timeout=10)
        unauthorized = requests.get(f"{server.url}/items/http-1", timeout=10)
        binary = requests.get(f"{server.url}/echo/binary", headers=ALLOW, timeout=10)
        echo = requests.post(f"{server.url}/echo/x?a=1", data=b"\xff", headers=ALLOW, timeout=10)
    finally:
        server.close()

    assert put.status_code == 200
    assert got.json() == {"pk": "http-1", "owner": "web", "principal": "alice"}
    assert (unauthorized.status_code, unauthorized.json()) == (401, {"message": "Unauthorized"})
    assert (binary.status_code, binary.content, binary.headers["x-count"]) == (201, b"\x00\xffbinary", "2")
    assert (binary.cookies.get("a"), binary.cookies.get("b")) == ("1", "2")
    event = echo.json()["event"]
    assert event["headers"]["host"] == f"127.0.0.1:{server.port}"
    assert event["requestContext"]["http"]["userAgent"].startswith("python-requests")
    assert (event["isBase64Encoded"], event["body"]) == (True, "/w==")


@pytest.fixture
def local_stack(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], "queue.Queue[str]", int]]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env.update(
        CLARION_PORT=str(port),
        CLARION_ADMIN_KEY="sk_local_test",
        CLARION_TEMPLATE=str(TEMPLATE),
        CLARION_TIME_SCALE="0",
        CLARION_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=os.pathsep.join([str(FIXTURES / "bootstrap_stand_in"), env.get("PYTHONPATH", "")]),
        TZ="UTC",
    )
    stderr = (tmp_path / "stderr.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in process.stdout], daemon=True).start()
    try:
        yield process, lines, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr.close()


def test_python_m_local_prints_its_lines_serves_and_stops_on_sigterm(local_stack) -> None:
    process, lines, port = local_stack
    printed = [lines.get(timeout=60) for _ in range(5)]
    url = f"http://127.0.0.1:{port}"

    assert printed[:3] == [f"Clarion API:  {url}", "Admin key:    sk_local_test", f"API docs:     {url}/docs"]
    assert printed[3] == f'Try:          curl -H "Authorization: Bearer sk_local_test" {url}/v1/clients'
    admin = requests.get(f"{url}/items/admin", headers=ALLOW, timeout=10)
    assert admin.json() == {"pk": "admin", "owner": "sk_local_test", "principal": "alice"}
    assert requests.get(f"{url}/docs", timeout=10).status_code == 200

    # the queue poller and the Step Functions worker run in the background
    endpoint = printed[4].split()[2]
    aws = {"endpoint_url": endpoint, "region_name": "us-east-1"}
    queue_url = boto3.client("sqs", **aws).get_queue_url(QueueName="clarion-local-WorkQueue")["QueueUrl"]
    boto3.client("sqs", **aws).send_message(QueueUrl=queue_url, MessageBody=json.dumps({"id": "http"}))
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:clarion-local-Journey"
    boto3.client("stepfunctions", **aws).start_execution(stateMachineArn=machine, input=json.dumps({"id": "http"}))
    for pk in ("work-http", "step-http"):
        eventually(lambda pk=pk: requests.get(f"{url}/items/{pk}", headers=ALLOW, timeout=10).status_code == 200)

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    rest: list[str] = []
    with contextlib.suppress(queue.Empty):
        while True:
            rest.append(lines.get(timeout=2))
    assert f"Health:       {url}/v1/health-check  (200 once the stack answers)" in rest
    assert any(re.fullmatch(r"GET /items/admin 200 \d+ ms id=\S+", line) for line in rest)
    assert any(re.fullmatch(r"Saved \d+ DynamoDB items.* in \d+\.\d\d s\.", line) for line in rest)


def test_the_http_server_logs_a_line_per_request_without_its_query(
    runtime: LocalRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    server = GatewayServer(runtime.gateway, port=0).start()
    caplog.set_level(logging.INFO, logger="local.access")
    try:
        got = requests.get(f"{server.url}/items/http-1?email=ada@example.com", headers=ALLOW, timeout=10)
        refused = requests.get(f"{server.url}/items/http-1", timeout=10)
    finally:
        server.close()

    lines = [record.getMessage() for record in caplog.records if record.name == "local.access"]
    assert len(lines) == 2
    assert re.fullmatch(r"GET /items/http-1 (200|404) \d+ ms id=(\S+)", lines[0])
    assert lines[0].endswith(f"id={got.headers['apigw-requestid']}")
    assert re.fullmatch(r"GET /items/http-1 401 \d+ ms id=\S+", lines[1])
    assert lines[1].endswith(f"id={refused.headers['apigw-requestid']}")
