"""`python -m local.cli import FILE --url URL --key KEY`: import a CSV or JSON-lines file through the public API only
(`POST /v1/files`, a PUT of the file to its upload URL, `POST /v1/imports`), then follow the task with a progress bar
until it ends; the error report, if any, is saved beside the file. Works against `make run` or a deployed stack."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import requests

BAR = 30
JSON_LINES = {".jsonl", ".ndjson"}


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("import", help="import profiles or suppressions from a file, showing progress")
    command.add_argument("file", type=Path, help="a CSV file (a header row) or JSON lines (.jsonl, .ndjson)")
    command.add_argument(
        "--url",
        default=os.environ.get("CLARION_URL", "http://127.0.0.1:3000"),
        help="the API's base URL (CLARION_URL; default http://127.0.0.1:3000)",
    )
    command.add_argument(
        "--key",
        default=os.environ.get("CLARION_KEY"),
        help="a client key with the `import` and `info:task` scopes (CLARION_KEY)",
    )
    command.add_argument("--type", choices=["profiles", "suppressions"], default="profiles")
    command.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a CSV column to a field (`email`, `attributes.plan`; empty to skip it); repeatable",
    )
    command.add_argument("--list-id", help="profiles: each imported profile joins this list")
    command.add_argument("--interval", type=float, default=0.5, help="seconds between two reads of the task")
    arguments = parser.parse_args(argv)
    if not arguments.key:
        parser.error("give --key (or set CLARION_KEY)")
    return arguments


class Client:
    def __init__(self, url: str, key: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.url}{path}", timeout=60, **kwargs)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json()["data"]


def import_file(arguments: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """Uploads, starts the import, follows it; 0 when it completed (rows may have failed: see the report)."""
    client = Client(arguments.url, arguments.key)
    path: Path = arguments.file
    content_type = "application/x-ndjson" if path.suffix.lower() in JSON_LINES else "text/csv"
    ticket = client.call("POST", "/v1/files", json={"name": path.name, "contentType": content_type})
    with path.open("rb") as body:  # streamed: the file is never read whole into memory
        uploaded = requests.put(ticket["uploadUrl"], data=body, headers=ticket["headers"], timeout=600)
    if uploaded.status_code >= 300:
        raise SystemExit(f"upload refused: {uploaded.status_code} {uploaded.text[:500]}")
    request: dict[str, Any] = {"type": arguments.type, "fileId": ticket["_id"]}
    if arguments.map:
        request["mapping"] = dict(pair.split("=", 1) for pair in arguments.map)
    if arguments.list_id:
        request["listId"] = arguments.list_id
    task = client.call("POST", "/v1/imports", json=request)
    print(f"task {task['_id']}", file=out)
    while task["status"] in ("queued", "running"):
        print("\r" + progress_line(task), end="", file=out, flush=True)
        time.sleep(arguments.interval)
        task = client.call("GET", f"/v1/tasks/{task['_id']}")
    print("\r" + progress_line(task), file=out)
    if task["status"] == "failed":
        print(f"failed: {task['error']}", file=out)
        return 1
    if task["errorReportFileId"]:
        report = client.call("GET", f"/v1/files/{task['errorReportFileId']}")
        target = path.with_name(path.name + ".errors.csv")
        target.write_bytes(requests.get(report["downloadUrl"], timeout=60).content)
        print(f"{task['counts']['failed']} rows refused: see {target}", file=out)
    return 0


def progress_line(task: dict[str, Any]) -> str:
    """`[##########....] 1000/1500 rows  created 990  updated 0  failed 10  running`"""
    done, total = task["progress"]["done"], task["progress"]["total"]
    filled = BAR if task["status"] == "completed" else (BAR * done // total if total else 0)
    counts = task["counts"]
    of = f"/{total}" if total is not None else ""
    return (
        f"[{'#' * filled}{'.' * (BAR - filled)}] {done}{of} rows  created {counts['created']}  "
        f"updated {counts['updated']}  failed {counts['failed']}  {task['status']}"
    )


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return import_file(arguments)


if __name__ == "__main__":
    sys.exit(main())
