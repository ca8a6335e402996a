"""Serve the gateway over real HTTP on loopback, with an access log line per request on the `local.access` logger
(INFO): `POST /v1/subscribers 201 12 ms id=<apigw-requestid>`. The query string is left out: it can hold
personal data (an email address in a filter)."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from local.gateway import Gateway, message

log = logging.getLogger(__name__)
access_log = logging.getLogger("local.access")


class GatewayServer:
    def __init__(self, gateway: Gateway, port: int = 0, host: str = "127.0.0.1") -> None:
        handler = type("Handler", (_Handler,), {"gateway": gateway})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="clarion-gateway", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> GatewayServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    gateway: Gateway
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        try:
            response = self.gateway.request(
                self.command,
                self.path,
                list(self.headers.items()),
                body,
                source_ip=self.client_address[0],
                protocol=self.request_version,
            )
        except Exception:
            log.exception("gateway failure on %s %s", self.command, self.path)
            response = message(500, "Internal Server Error")
        # Logged before the answer goes out, so a client's requests log in the order it made them.
        access_log.info(
            "%s %s %d %d ms id=%s",
            self.command,
            self.path.split("?", 1)[0],
            response.status,
            round((time.perf_counter() - started) * 1000),
            response.headers.get("apigw-requestid", "-"),
        )
        self.send_response(response.status)
        for name, value in response.headers.items():
            if name not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        for cookie in response.cookies:
            self.send_header("set-cookie", cookie)
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - " + format, self.client_address[0], *args)
