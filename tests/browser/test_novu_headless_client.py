"""Novu's own v1 client, `@novu/headless` (it speaks /v1/widgets), run with node against the local stack: it starts a
session with the subscriber's HMAC, reads the feed and the unseen count, marks a message read and sees the count drop.
Skipped where node or npm is absent, or the package cannot be installed (no network). `@novu/js` is not tested: it
speaks Novu's newer /v1/inbox API (docs/api.md, "Which Novu clients")."""

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.browser.conftest import LocalStack

pytestmark = pytest.mark.slow
HEADLESS = "@novu/headless@2.6.6"
SCRIPT = Path(__file__).with_name("novu_headless_client.js")


@pytest.fixture(scope="session")
def headless_dir() -> Path:
    """A directory where `require("@novu/headless")` resolves: installed once, kept between runs."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed to run Novu's headless client")
    directory = Path(os.environ.get("CLARION_NODE_CACHE", tempfile.gettempdir())) / "clarion-novu-headless"
    if not (directory / "node_modules" / "@novu" / "headless").is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run(
            ["npm", "install", "--prefix", str(directory), "--no-audit", "--no-fund", HEADLESS],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if installed.returncode != 0:
            pytest.skip(f"{HEADLESS} could not be installed: {installed.stderr[-300:]}")
    return directory


def deliver_in_app(stack: LocalStack, subscriber_id: str, *contents: str) -> None:
    """Each content as an in-app message to the subscriber, through a campaign trigger; waits for the feed."""
    for content in contents:
        campaign = stack.api(
            "POST",
            "/v1/campaigns",
            json={
                "name": f"Headless {content}",
                "status": "active",
                "steps": [{"channel": "in_app", "content": {"body": content}}],
            },
        ).json()["data"]["_id"]
        triggered = stack.api(
            "POST", f"/api/client/campaigns/{campaign}/trigger", json={"user": {"external_id": subscriber_id}}
        )
        assert triggered.status_code == 204, triggered.text
    deadline = time.monotonic() + 60
    while len(stack.api("GET", f"/v1/subscribers/{subscriber_id}/notifications/feed").json()["data"]) < len(contents):
        assert time.monotonic() < deadline, "the in-app messages did not arrive in 60 s"
        time.sleep(0.3)


def test_novus_headless_client_reads_and_marks_the_feed(local_stack: LocalStack, headless_dir: Path) -> None:
    subscriber_id = "ada-headless"
    assert local_stack.api("POST", "/v1/subscribers", json={"subscriberId": subscriber_id}).ok
    deliver_in_app(local_stack, subscriber_id, "First", "Second")
    environment = local_stack.api("GET", "/v1/environments/me").json()["data"]
    key = local_stack.api("GET", f"/v1/environments/{environment['_id']}/subscriber-hmac-key").json()["data"]["hmacKey"]
    subscriber_hash = hmac.new(key.encode(), subscriber_id.encode(), hashlib.sha256).hexdigest()

    run = subprocess.run(
        ["node", str(SCRIPT), local_stack.url, environment["identifier"], subscriber_id, subscriber_hash],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ | {"NODE_PATH": str(headless_dir / "node_modules")},
    )

    assert run.returncode == 0, run.stderr[-2000:]
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer["subscriberId"] == subscriber_id
    assert answer["contents"] == ["Second", "First"]  # newest first
    assert (answer["unseen"], answer["markedRead"], answer["unseenAfter"]) == (2, [True], 1)
