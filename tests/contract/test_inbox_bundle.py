"""The committed local/static/clarion-inbox.js is what `make inbox` builds from web/inbox/src, byte for byte.

It needs node and web/inbox's npm packages (`npm ci`, run here when npm is present and they are missing); without
node or npm the test skips, saying so: the bundle is committed so that nothing else in the repository needs them."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

WEB = ROOT / "web" / "inbox"
BUNDLE = ROOT / "local" / "static" / "clarion-inbox.js"


def installed_esbuild() -> None:
    if (WEB / "node_modules" / "esbuild").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the inbox bundle cannot be rebuilt here (it is committed)")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"`npm ci` in web/inbox failed (offline?): {done.stderr.strip()[-300:]}")


def test_the_committed_inbox_bundle_is_what_the_build_writes(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the inbox bundle cannot be rebuilt here (it is committed)")
    installed_esbuild()
    built = tmp_path / "clarion-inbox.js"

    done = subprocess.run(
        [node, "build.mjs", str(built)], cwd=WEB, capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stderr
    assert built.read_bytes() == BUNDLE.read_bytes(), "local/static/clarion-inbox.js is stale: run `make inbox`"


def test_the_bundle_is_one_file_that_defines_the_element() -> None:
    text = BUNDLE.read_text()
    assert 'customElements.define("clarion-inbox"' in text
    assert len(text.encode()) < 12_000  # docs/architecture.md: about 10 KB
    assert "import " not in text.split("\n", 1)[1][:200]  # an IIFE: no module imports left to resolve
