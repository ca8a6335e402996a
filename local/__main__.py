"""`python -m local` (`make run`): the whole application on 127.0.0.1, until Ctrl-C or SIGTERM.

`python -m local --help` lists the options and the environment variables that set them. Run with TZ=UTC, as the
Makefile does.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from local.persistence import DataDir, Report
    from local.runtime import LocalRuntime

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".clarion-data"
TRUE = ("1", "true", "yes", "on")
ENVIRONMENT = """\
environment variables (an option given on the command line wins):
  CLARION_PORT          --port
  CLARION_ADMIN_KEY     --admin-key
  CLARION_TIME_SCALE    --time-scale
  CLARION_TEMPLATE      --template
  CLARION_DATA_DIR      --data-dir
  CLARION_FRESH=1       --fresh
  CLARION_IN_MEMORY=1   --in-memory

The data directory holds what the stack stored (DynamoDB items, queued messages, secrets, schedules, the
outbox) and the generated admin key. It is saved when the stack stops cleanly (Ctrl-C or SIGTERM) and read
when it starts; journeys in progress (Step Functions executions) do not survive a restart.
"""


def parse_arguments(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> argparse.Namespace:
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="python -m local",
        description="Clarion's whole stack offline, in one process, on moto: the HTTP API on 127.0.0.1, its\n"
        "queues, schedules and journeys. Stop it with Ctrl-C or SIGTERM.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--port", type=int, default=env.get("CLARION_PORT", "3000"), help="the API's port (default: 3000)"
    )
    parser.add_argument(
        "--admin-key",
        default=env.get("CLARION_ADMIN_KEY") or None,
        metavar="KEY",
        help="the admin client's key, 'sk_' and at least 17 more characters (default: one generated at the first "
        "start and kept in the data directory)",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=env.get("CLARION_TIME_SCALE", "1"),
        metavar="SECONDS",
        help="real seconds per second of a journey's wait (default: 1; 0 skips waits when nothing else runs)",
    )
    parser.add_argument(
        "--template",
        default=env.get("CLARION_TEMPLATE", str(ROOT / "template.yaml")),
        metavar="PATH",
        help="the SAM template to run (default: the repository's template.yaml)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=env.get("CLARION_DATA_DIR") or str(DATA_DIR),
        metavar="DIR",
        help=f"where the stack's data is kept across restarts (default: {DATA_DIR.relative_to(ROOT)}/ in the "
        "repository)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        default=env.get("CLARION_FRESH", "").lower() in TRUE,
        help="start empty: forget the saved data (and the generated admin key); what this run stores is saved",
    )
    parser.add_argument(
        "--in-memory",
        action="store_true",
        default=env.get("CLARION_IN_MEMORY", "").lower() in TRUE,
        help="start empty and save nothing: the data directory is neither read nor written",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)  # before importing moto: `--help` answers at once
    from local.persistence import DataDir, DataDirInUse  # noqa: PLC0415
    from local.runtime import LocalRuntime  # noqa: PLC0415

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    access = logging.getLogger("local.access")  # local.http_server: a line per request
    access.setLevel(logging.INFO)
    access.propagate = False
    console = logging.StreamHandler(sys.stdout)
    console.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(console)
    signals: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        signals.append(signum)  # no lock here: the handler runs on the main thread, between any two bytecodes

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    data_dir = None if arguments.in_memory else DataDir(arguments.data_dir)
    try:
        runtime = LocalRuntime.server(
            port=arguments.port,
            template_path=arguments.template,
            time_scale=arguments.time_scale,
            data_dir=None if data_dir is None else data_dir.path,
            fresh=arguments.fresh,
        )
    except OSError as error:
        reason = f"Cannot serve on 127.0.0.1:{arguments.port} ({error.strerror})"
        print(f"{reason}: pick a free port with --port or CLARION_PORT.", file=sys.stderr)
        return 1
    except DataDirInUse as error:
        print(f"{error}: stop it, or use another --data-dir (or --in-memory).", file=sys.stderr)
        return 1
    try:
        key = _admin_key(runtime, arguments.admin_key, data_dir)
        print(f"Clarion API:  {runtime.url}")
        print(f"Admin key:    {key}")
        print(f"API docs:     {runtime.url}/docs")
        print(f'Try:          curl -H "Authorization: Bearer {key}" {runtime.url}/v1/clients')
        print(f"AWS endpoint: {runtime.aws_endpoint}  (moto: aws --endpoint-url {runtime.aws_endpoint} ...)")
        print(f"Sent (local): {runtime.url}/local/outbox  (email, SMS and push the stack sent)")
        print(f"Inbox:        {runtime.url}/inbox  (the embeddable in-app inbox, for a subscriber you choose)")
        if runtime.socket_url is not None:
            print(f"Real-time:    {runtime.socket_url}  (the WebSocket API: ?token=<a widget session's token>)")
        print(f"Analytics:    {runtime.url}/local/analytics  (charts of sessions, users and places; asks for a key)")
        print(f"Health:       {runtime.url}/v1/health-check  (200 once the stack answers)")
        print(f"Data:         {_data_line(runtime, data_dir)}")
        print("Stop with Ctrl-C.", flush=True)
        while not signals:
            time.sleep(0.2)
        if data_dir is not None:
            print(f"Stopping: saving the data to {_shown(data_dir.path)} ...", flush=True)
    finally:
        runtime.close()
    if data_dir is not None:
        print(_saved_line(runtime.saved), flush=True)
    return 0


def _admin_key(runtime: LocalRuntime, given: str | None, data_dir: DataDir | None) -> str:
    """The given key, else the one generated at an earlier start (kept in the data directory), else a new one."""
    kept = data_dir.admin_key if data_dir is not None else None
    try:
        key = runtime.bootstrap_admin(given or kept).key
    except Exception as error:  # the server is still useful without an admin client
        logging.getLogger("local").exception("could not create the admin client")
        return f"(none: {type(error).__name__}: {error})"
    if data_dir is not None and given is None and kept is None:
        data_dir.admin_key = key
    return key


def _data_line(runtime: LocalRuntime, data_dir: DataDir | None) -> str:
    if data_dir is None:
        return "in memory (--in-memory): nothing is saved"
    if runtime.restored is None:
        return f"{_shown(data_dir.path)} (empty: a fresh start); saved on Ctrl-C, `make run-fresh` starts empty"
    restored = runtime.restored
    summary = f"{restored.summary()} in {restored.seconds:.2f} s"
    if restored.skipped:
        summary += f"; not restored: {', '.join(restored.skipped)}"
    return f"{_shown(data_dir.path)} (restored {summary}); saved on Ctrl-C, `make run-fresh` starts empty"


def _saved_line(saved: Report | None) -> str:
    if saved is None:
        return "Nothing was saved: see the error above."
    size = f"{saved.size / 1_000_000:.1f} MB" if saved.size >= 100_000 else f"{saved.size / 1000:.0f} KB"
    line = f"Saved {saved.summary()} ({size}) in {saved.seconds:.2f} s."
    if saved.skipped:
        line += f" Not saved: {', '.join(saved.skipped)}."
    if saved.running_executions:
        line += f" {saved.running_executions} journey executions in progress do not survive the restart."
    return line


def _shown(path: Path) -> str:
    try:
        return f"{path.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{path}/"


if __name__ == "__main__":
    sys.exit(main())
