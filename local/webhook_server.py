"""A chat webhook on 127.0.0.1 in a thread, for the tests and the fault soak: it records what it receives and
answers with the statuses it is told. Each path's last segment names a webhook, so one server stands for many."""

import json
import threading
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookServer:
    def __init__(self, status: Callable[[str], int] = lambda name: 200) -> None:
        self.received: list[dict[str, Any]] = []
        """Every request's body, in order."""
        self.accepted: list[tuple[str, dict[str, Any]]] = []
        """(webhook name, body) of the requests answered 2xx: what the chat provider took."""
        self.statuses: deque[int] = deque()
        """Statuses for the next requests, in order; `status(webhook name)` decides once they run out."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                name = self.path.rsplit("/", 1)[-1]
                code = server.statuses.popleft() if server.statuses else status(name)
                server.received.append(body)
                if code < 300:
                    server.accepted.append((name, body))
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                if code == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if code < 400 else b'{"error": "refused"}')

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the callers read `received`

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._http.server_address[1]}/hooks"
        self.url = self.url_of("hook")
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, name="webhook-server", daemon=True
        )

    def url_of(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> "WebhookServer":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
