"""`python -m local` (what `make run` starts) with the real template: the README's walkthrough over real HTTP, and its
data directory across restarts."""

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from local.runtime import free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
ADMIN_KEY = "sk_local_admin_key_for_the_test"

STARTUP_SECONDS = 180  # provisioning the whole template on a loaded 2-core machine has taken over 60 s


@dataclass
class Stack:
    process: subprocess.Popen[str]
    url: str
    banner: dict[str, str]
    """The printed lines before "Stop with Ctrl-C.", by their label ("Admin key", "Data", ...)."""
    lines: "queue.Queue[str]"

    def stop(self) -> list[str]:
        """SIGTERM, as `make run` gets from Ctrl-C's sibling; the lines printed until the process ended."""
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=60) == 0
        printed: list[str] = []
        with contextlib.suppress(queue.Empty):
            while True:
                printed.append(self.lines.get(timeout=2))
        return printed


@contextlib.contextmanager
def local_stack(tmp_path: Path, **variables: str) -> Iterator[Stack]:
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env |= {"CLARION_PORT": str(port), "CLARION_DATA_DIR": str(tmp_path / "data"), "TZ": "UTC"} | variables
    with (tmp_path / "stderr.log").open("a") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in process.stdout], daemon=True).start()
        try:
            banner: dict[str, str] = {}
            while (line := lines.get(timeout=STARTUP_SECONDS)) != "Stop with Ctrl-C.":
                label, _, value = line.partition(":")
                banner[label] = value.strip()
            yield Stack(process, f"http://127.0.0.1:{port}", banner, lines)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_the_local_stack_serves_the_api_with_the_printed_admin_key_and_stops_on_sigterm(tmp_path):
    with local_stack(tmp_path, CLARION_ADMIN_KEY=ADMIN_KEY) as stack:
        url = stack.url
        assert stack.banner["Clarion API"] == url
        assert stack.banner["Admin key"] == ADMIN_KEY
        assert stack.banner["API docs"] == f"{url}/docs"

        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        created = requests.post(
            f"{url}/v1/clients", json={"name": "checkout", "scopes": ["clients:manage"]}, headers=admin, timeout=10
        )
        assert created.status_code == 201
        client = {"Authorization": f"ApiKey {created.json()['data']['key']}"}
        assert requests.get(f"{url}/v1/scopes", headers=client, timeout=10).status_code == 200
        assert requests.get(f"{url}/v1/environments", headers=client, timeout=10).status_code == 403
        assert requests.get(f"{url}/v1/scopes", timeout=10).status_code == 401
        docs = requests.get(f"{url}/docs", timeout=10)
        assert docs.status_code == 200
        assert "swagger-ui-bundle.min.js" in docs.text
        assert "/v1/clients" in requests.get(f"{url}/docs/openapi.json", timeout=10).json()["paths"]
        assert stack.banner["Inbox"].startswith(f"{url}/inbox ")
        inbox = requests.get(f"{url}/inbox", timeout=10)
        assert inbox.status_code == 200 and '<script src="/inbox/clarion-inbox.js">' in inbox.text
        assert '"applicationIdentifier": "' in inbox.text  # the Development environment's

        stack.stop()
    assert "Warning" not in (tmp_path / "stderr.log").read_text()


def test_a_restart_keeps_the_data_and_the_generated_admin_key_and_a_fresh_start_is_empty(tmp_path):
    ada = {"subscriberId": "ada", "email": "ada@example.com", "firstName": "Ada"}
    with local_stack(tmp_path) as first:
        key = first.banner["Admin key"]
        assert key.startswith("sk_")
        assert "(empty: a fresh start)" in first.banner["Data"]
        admin = {"Authorization": f"Bearer {key}"}
        assert requests.post(f"{first.url}/v1/subscribers", json=ada, headers=admin, timeout=10).status_code == 201
        printed = first.stop()
    assert any(line.startswith("Saved ") for line in printed), printed
    assert (tmp_path / "data" / "state.pickle").exists()

    with local_stack(tmp_path) as second:
        assert second.banner["Admin key"] == key
        assert second.banner["Data"].startswith(f"{tmp_path / 'data'}/ (restored ")
        found = requests.get(f"{second.url}/v1/subscribers/ada", headers=admin, timeout=10)
        assert (found.status_code, found.json()["data"]["firstName"]) == (200, "Ada")
        second.stop()

    with local_stack(tmp_path, CLARION_FRESH="1") as fresh:
        new_key = fresh.banner["Admin key"]
        assert new_key != key
        assert "(empty: a fresh start)" in fresh.banner["Data"]
        refused = requests.get(f"{fresh.url}/v1/subscribers/ada", headers=admin, timeout=10)
        assert refused.status_code in (401, 403)  # the old key is unknown now
        new_admin = {"Authorization": f"Bearer {new_key}"}
        assert requests.get(f"{fresh.url}/v1/subscribers/ada", headers=new_admin, timeout=10).status_code == 404
        fresh.stop()
