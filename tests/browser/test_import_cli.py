"""The import CLI against `python -m local` over real HTTP: the file goes to the presigned upload URL the local stack's
S3 serves, the task runs in the background, the progress bar ends completed, and the error report is saved beside
the file; a download URL works as a plain HTTP GET (what a browser or curl does)."""

import subprocess
import sys
from pathlib import Path

import requests

from tests.browser.conftest import ADMIN_KEY, LocalStack

ROOT = Path(__file__).resolve().parents[2]


def test_the_cli_uploads_imports_and_shows_progress_until_the_task_ends(
    local_stack: LocalStack, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id,email\n" + "".join(f"cli-{n},cli-{n}@example.com\n" for n in range(40)) + "bad,nope\n")

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "local.cli",
            "import",
            str(people),
            "--url",
            local_stack.url,
            "--key",
            ADMIN_KEY,
            "--map",
            "id=subscriberId",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()
    assert last[0].startswith("task ")
    assert "[" + "#" * 30 + "] 41/41 rows  created 40  updated 0  failed 1  completed" in done.stdout
    report = (tmp_path / "people.csv.errors.csv").read_text()
    assert report.splitlines()[0] == "row,field,reason" and report.splitlines()[1].startswith("42,email,")
    profile = local_stack.api("GET", "/v1/subscribers/cli-39")
    assert profile.status_code == 200 and profile.json()["data"]["email"] == "cli-39@example.com"
    task_id = last[0].removeprefix("task ")
    report_id = local_stack.api("GET", f"/v1/tasks/{task_id}").json()["data"]["errorReportFileId"]
    link = local_stack.api("GET", f"/v1/files/{report_id}").json()["data"]
    got = requests.get(link["downloadUrl"], timeout=30)
    assert got.status_code == 200 and got.text == report
    assert "attachment" in got.headers.get("content-disposition", "")
