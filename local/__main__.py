"""`python -m local` (`make run`): the whole application on 127.0.0.1, until Ctrl-C or SIGTERM.

Environment: CLARION_PORT (default 3000), CLARION_ADMIN_KEY (default: generated), CLARION_TIME_SCALE (real
seconds per second of a Step Functions Wait, default 1; 0 skips waits when nothing else is running),
CLARION_TEMPLATE (default: the repository's template.yaml). Run with TZ=UTC, as the Makefile does.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from types import FrameType

from local.runtime import ROOT, LocalRuntime


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    signals: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        signals.append(signum)  # no lock here: the handler runs on the main thread, between any two bytecodes

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    port = int(os.environ.get("CLARION_PORT", "3000"))
    try:
        runtime = LocalRuntime.server(
            port=port,
            template_path=os.environ.get("CLARION_TEMPLATE", str(ROOT / "template.yaml")),
            time_scale=float(os.environ.get("CLARION_TIME_SCALE", "1")),
        )
    except OSError as error:
        print(f"Cannot serve on 127.0.0.1:{port} ({error.strerror}): set CLARION_PORT to a free port.", file=sys.stderr)
        return 1
    try:
        try:
            key = runtime.bootstrap_admin(os.environ.get("CLARION_ADMIN_KEY") or None).key
        except Exception as error:  # the server is still useful without an admin client
            logging.getLogger("local").exception("could not create the admin client")
            key = f"(none: {type(error).__name__}: {error})"
        print(f"Clarion API:  {runtime.url}")
        print(f"Admin key:    {key}")
        print(f"API docs:     {runtime.url}/docs")
        print(f'Try:          curl -H "Authorization: Bearer {key}" {runtime.url}/v1/clients')
        print(f"AWS endpoint: {runtime.aws_endpoint}  (moto: aws --endpoint-url {runtime.aws_endpoint} ...)")
        print(f"Sent (local): {runtime.url}/local/outbox  (email, SMS and push the stack sent)")
        print("Stop with Ctrl-C.", flush=True)
        while not signals:
            time.sleep(0.2)
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
