"""Browser tests: Debian's chromium driven by Playwright (the system browser, not Playwright's download), against
`python -m local` on a free port. `make browser` (a step of `make test`) installs chromium where it can; where no
chromium is found these tests skip, saying so. Each pytest-xdist worker starts its own browser and stack.

Screenshots go to test-artifacts/<test>.png (gitignored): `screenshot(page)` in a test saves one."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

from local.runtime import free_port
from tests.conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ARTIFACTS = ROOT / "test-artifacts"
ADMIN_KEY = "sk_local_admin_key_for_browser_tests"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """CLARION_CHROMIUM, else Debian's `chromium` (or `chromium-browser`) on PATH."""
    return os.environ.get("CLARION_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless chromium; Playwright's launch gives it a fresh temporary user-data directory, removed at close."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium on PATH: `make browser` installs it (as root, with apt-get), or set CLARION_CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make install`")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(120_000)  # two shared cores: the stack's first answers can be slow
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """screenshot(page) saves a full-page PNG (`full_page=False`: the viewport) to
    test-artifacts/<test name>[-<label>].png and returns its path."""

    def save(page: Page, label: str = "", full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name) + (f"-{label}" if label else "")
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@dataclass
class LocalStack:
    url: str
    admin: dict[str, str]

    def api(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        """A request with the admin key (and `headers`)."""
        kwargs.setdefault("timeout", 60)
        return requests.request(method, f"{self.url}{path}", headers=self.admin | (headers or {}), **kwargs)


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`python -m local` in memory on a free port, with a known admin key; stopped (SIGTERM) at the session's end."""
    port = free_port()
    logs = tmp_path_factory.mktemp("local-stack")
    env = {name: value for name, value in os.environ.items() if name not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env |= {"CLARION_PORT": str(port), "CLARION_ADMIN_KEY": ADMIN_KEY, "CLARION_IN_MEMORY": "1", "TZ": "UTC"}
    url = f"http://127.0.0.1:{port}"
    with (logs / "stdout.log").open("w") as out, (logs / "stderr.log").open("w") as err:
        process = subprocess.Popen([sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=out, stderr=err)
        try:
            deadline = time.monotonic() + 120
            while True:
                with contextlib.suppress(requests.ConnectionError):
                    if requests.get(f"{url}/v1/health-check", timeout=5).ok:
                        break
                assert process.poll() is None, (logs / "stderr.log").read_text()[-4000:]
                assert time.monotonic() < deadline, "the local stack did not answer in 120 s"
                time.sleep(0.3)
            yield LocalStack(url, {"Authorization": f"Bearer {ADMIN_KEY}"})
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
