"""README.md's "Try it", run literally: its first bash block says how the stack starts (`... make run`), and the
others run, as written, in one bash against that stack (`python -m local` on a free port, CLARION_PORT in their
environment, a temporary data directory). The keys and ids they need they capture themselves."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from local.runtime import free_port
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("bash") and shutil.which("curl")), reason="needs bash and curl"),
]


def try_it_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```bash\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)


def start_command(block: str) -> dict[str, str]:
    """The variables the README sets on `make run`; the block must be that one command."""
    *assignments, make, target = shlex.split(block, comments=True)
    assert (make, target) == ("make", "run"), block
    return dict(assignment.split("=", 1) for assignment in assignments)


def outbox(url: str) -> dict[str, list[dict[str, Any]]]:
    answer: dict[str, list[dict[str, Any]]] = requests.get(f"{url}/local/outbox", timeout=10).json()
    return answer


def test_the_readme_try_it_runs_as_written_and_sends_an_email_and_a_push(tmp_path: Path) -> None:
    start, *commands = try_it_blocks()
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env |= start_command(start) | {"CLARION_PORT": str(port), "CLARION_DATA_DIR": str(tmp_path / "data"), "TZ": "UTC"}
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "stack.out").open("w") as out, (tmp_path / "stack.err").open("w") as err:
        stack = subprocess.Popen([sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=out, stderr=err)
        try:
            script = "set -euo pipefail\n" + "\n".join(commands)
            done = subprocess.run(
                ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=180, check=False
            )
            assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"

            printed = done.stdout.splitlines()
            assert printed[printed.index("200") + 1] == "403"  # the client key: clients:manage, not environments
            assert "204" in printed  # the client trigger
            triggered = [json.loads(line) for line in printed if '"acknowledged"' in line]
            assert [answer["data"]["status"] for answer in triggered] == ["processed"]

            deadline = time.monotonic() + 60  # the senders run on the stack's queues
            while len((sent := outbox(url))["push"]) < 2 or len(sent["email"]) < 2:
                assert time.monotonic() < deadline, sent
                time.sleep(0.5)
            assert sorted(email["body"] for email in sent["email"]) == ["<p>Order 42</p>", "<p>Order 43</p>"]
            assert {email["subject"] for email in sent["email"]} == {"Hi Ada"}
            pushes = [json.loads(json.loads(push["message"])["GCM"])["notification"] for push in sent["push"]]
            assert sorted(push["body"] for push in pushes) == ["Order 42 is on its way", "Order 43 is on its way"]
            assert {push["title"] for push in pushes} == {"Hi Ada"}
            assert {push["token"] for push in sent["push"]} == {"ada-phone-token"}
        finally:
            stack.terminate()
            stack.wait(timeout=60)
    console = (tmp_path / "stack.out").read_text()
    assert re.search(r"^POST /v1/subscribers 201 \d+ ms id=\S+$", console, flags=re.MULTILINE)
    assert "Warning" not in (tmp_path / "stack.err").read_text()
