"""`python -m local` (what `make run` starts) with the real template: the README's walkthrough over real HTTP."""

import os
import queue
import signal
import subprocess
import sys
import threading

import pytest
import requests

from local.runtime import free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
ADMIN_KEY = "sk_local_admin_key_for_the_test"


def test_the_local_stack_serves_the_api_with_the_printed_admin_key_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env |= {"CLARION_PORT": str(port), "CLARION_ADMIN_KEY": ADMIN_KEY, "TZ": "UTC"}
    with (tmp_path / "stderr.log").open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
        try:
            printed = "".join(lines.get(timeout=60) for _ in range(3))
            url = f"http://127.0.0.1:{port}"
            assert f"Clarion API:  {url}" in printed
            assert f"Admin key:    {ADMIN_KEY}" in printed
            assert f"API docs:     {url}/docs" in printed

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

            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
