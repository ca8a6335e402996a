"""A chat provider's OAuth token endpoint on 127.0.0.1, in a thread: records each exchange, answers as told."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TOKEN_PATH = "/api/oauth.v2.access"
AUTHORIZE_PATH = "/oauth/v2/authorize"


@dataclass
class Exchange:
    """One POST the token endpoint received."""

    path: str
    content_type: str
    form: dict[str, str]


@dataclass
class FakeOAuthProvider:
    """Slack's shape: POST TOKEN_PATH with a form → the JSON answer set by `answer` (by default a webhook)."""

    exchanges: list[Exchange] = field(default_factory=list)
    status: int = 200
    body: Any = None
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.reset()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() it first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    @property
    def authorize_url(self) -> str:
        return self.url + AUTHORIZE_PATH

    def answer(self, body: Any, status: int = 200) -> None:
        self.body, self.status = body, status

    def reset(self) -> None:
        self.exchanges.clear()
        self.answer(
            {
                "ok": True,
                "incoming_webhook": {"url": "https://hooks.slack.test/services/T1/B2/abc", "channel": "#alerts"},
            }
        )

    def start(self) -> "FakeOAuthProvider":
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                provider.exchanges.append(Exchange(self.path, self.headers.get("Content-Type", ""), form))
                raw = provider.body if isinstance(provider.body, bytes) else json.dumps(provider.body).encode()
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-oauth-provider", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
