"""The WebSocket API of the template (`AWS::ApiGatewayV2::Api`, `ProtocolType: WEBSOCKET`) served on loopback.

moto provisions no WebSocket API and its `apigatewaymanagementapi` only records what is posted. This server speaks
WebSocket with the `websockets` package (its threaded server, one thread per connection, like the gateway's HTTP
server) and does what API Gateway does around the template's function:

- a handshake is the `$connect` route: the function gets API Gateway's CONNECT event (the query string, headers,
  `requestContext.connectionId`) and the socket opens only when it answers 2xx; otherwise the handshake is refused
  with its status (a 401 for a refused subscriber token) and the function hears nothing more of it;
- each text frame is the `$default` route (MESSAGE, the frame as `body`); the function's answer body, if any, goes
  back as a frame (the template's `$default` has a route response);
- a closed socket is the `$disconnect` route (DISCONNECT);
- `post_to_connection` of the management API (the in-app sender's push), to moto in this process, sends the data
  as a text frame on the open socket, and raises GoneException (410) for a connection that is not open, as API
  Gateway does; `delete_connection` closes the socket.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from moto.apigatewaymanagementapi import models as management
from moto.core.exceptions import JsonRESTError
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from local import template as sam
from local.functions import FunctionRegistry, LambdaError
from local.intrinsics import Resolver

log = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"
MAX_MESSAGE_BYTES = 128 * 1024  # API Gateway's WebSocket message limit
_active: list[RealtimeServer] = []
"""The server post_to_connection delivers to (one runtime runs at a time in a process)."""


class GoneException(JsonRESTError):
    code = 410

    def __init__(self, connection_id: str) -> None:
        super().__init__("GoneException", f"connection {connection_id} is gone")


@dataclass(frozen=True)
class WebSocketApi:
    api_id: str
    stage: str
    function_id: str
    """The function its routes' integration invokes."""


def websocket_api(template: sam.SamTemplate, resolver: Resolver) -> WebSocketApi | None:
    """The template's WebSocket API (the first), its stage and the function its integration invokes."""
    resources = template.resources
    apis = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::ApiGatewayV2::Api"
        and resource.get("Properties", {}).get("ProtocolType") == "WEBSOCKET"
    ]
    if not apis:
        return None
    (api, *_) = apis

    def of_api(kind: str) -> list[dict[str, Any]]:
        return [
            resource.get("Properties", {})
            for resource in resources.values()
            if resource["Type"] == kind and resource.get("Properties", {}).get("ApiId") == {"Ref": api}
        ]

    stages, integrations = of_api("AWS::ApiGatewayV2::Stage"), of_api("AWS::ApiGatewayV2::Integration")
    uri = json.dumps(integrations[0].get("IntegrationUri")) if integrations else ""
    function = re.search(r"\$\{(\w+)\.Arn\}|\"Fn::GetAtt\": \[\"(\w+)\", \"Arn\"\]", uri)
    if not stages or function is None:
        return None
    stage = str(resolver.resolve(stages[0]["StageName"]))
    return WebSocketApi(str(resolver.ref(api)), stage, function.group(1) or function.group(2))


class RealtimeServer:
    """`RealtimeServer(registry, websocket_api(template, resolver)).start()`; `url` is its `ws://` address."""

    def __init__(
        self, registry: FunctionRegistry, api: WebSocketApi, *, port: int = 0, host: str = "127.0.0.1"
    ) -> None:
        self.registry, self.api = registry, api
        self.open: dict[str, ServerConnection] = {}
        """The open sockets by connection id."""
        self._lock = threading.Lock()
        self._server: Server = serve(
            self._serve,
            host,
            port,
            process_request=self._connect,
            compression=None,  # API Gateway negotiates no permessage-deflate
            max_size=MAX_MESSAGE_BYTES,
            server_header=None,
        )
        self.host, self.port = host, self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="clarion-websocket", daemon=True)

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self) -> RealtimeServer:
        install()
        _active[:] = [self]
        self._thread.start()
        return self

    def close(self) -> None:
        if _active and _active[0] is self:
            _active.clear()
        self._server.shutdown()
        self._thread.join(timeout=5)

    def post(self, connection_id: str, data: bytes) -> None:
        """A frame to an open connection (`post_to_connection`); GoneException when it is not open."""
        with self._lock:
            connection = self.open.get(connection_id)
        if connection is None:
            raise GoneException(connection_id)
        try:
            connection.send(data.decode("utf-8", errors="replace"))
        except ConnectionClosed as closed:
            raise GoneException(connection_id) from closed

    def close_connection(self, connection_id: str) -> None:
        """`delete_connection`: the socket is closed (its `$disconnect` follows)."""
        with self._lock:
            connection = self.open.get(connection_id)
        if connection is None:
            raise GoneException(connection_id)
        connection.close()

    def _connect(self, connection: ServerConnection, request: Request) -> Response | None:
        """The handshake: the `$connect` route decides; a refusal answers its status before the upgrade."""
        connection_id = _connection_id()
        connection.connection_id = connection_id  # type: ignore[attr-defined]
        connection.connected_at = _millis()  # type: ignore[attr-defined]
        connection.source_ip = connection.remote_address[0]  # type: ignore[attr-defined]
        event = self._event(connection, "$connect", "CONNECT", request=request)
        answer = self._invoke(event)
        status = int(answer.get("statusCode", 200)) if isinstance(answer, dict) else 500
        if 200 <= status < 300:
            return None
        body = answer.get("body") if isinstance(answer, dict) else None
        return connection.respond(status, body if isinstance(body, str) else "")

    def _serve(self, connection: ServerConnection) -> None:
        connection_id: str = connection.connection_id  # type: ignore[attr-defined]
        with self._lock:
            self.open[connection_id] = connection
        try:
            for frame in connection:
                body = frame if isinstance(frame, str) else frame.decode("utf-8", errors="replace")
                answer = self._invoke(self._event(connection, "$default", "MESSAGE", body=body))
                if isinstance(answer, dict) and isinstance(answer.get("body"), str):
                    connection.send(answer["body"])
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self.open.pop(connection_id, None)
            self._invoke(self._event(connection, "$disconnect", "DISCONNECT"))

    def _invoke(self, event: dict[str, Any]) -> Any:
        try:
            return self.registry.invoke(self.api.function_id, event)
        except LambdaError:  # logged by the registry; API Gateway answers 500 (a refused handshake, or no reply)
            return {"statusCode": 500}

    def _event(
        self,
        connection: ServerConnection,
        route: str,
        event_type: str,
        *,
        request: Request | None = None,
        body: str | None = None,
    ) -> dict[str, Any]:
        """The event API Gateway passes a WebSocket route's Lambda proxy integration."""
        now = datetime.now(UTC)
        context = {
            "routeKey": route,
            "eventType": event_type,
            "messageDirection": "IN",
            "connectionId": connection.connection_id,  # type: ignore[attr-defined]
            "connectedAt": connection.connected_at,  # type: ignore[attr-defined]
            "requestId": base64.b64encode(secrets.token_bytes(10)).decode(),
            "extendedRequestId": base64.b64encode(secrets.token_bytes(10)).decode(),
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": _millis(),
            "stage": self.api.stage,
            "apiId": self.api.api_id,
            "domainName": f"{self.host}:{self.port}",
            "identity": {"sourceIp": connection.source_ip},  # type: ignore[attr-defined]
        }
        event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
        if event_type == "MESSAGE":
            context["messageId"] = base64.b64encode(secrets.token_bytes(10)).decode()
            event["body"] = body
        if event_type == "DISCONNECT":
            context["disconnectStatusCode"] = connection.close_code or 1005
            context["disconnectReason"] = connection.close_reason or ""
        if request is not None:
            headers = {name: value for name, value in request.headers.raw_items()}
            context["identity"]["userAgent"] = headers.get("User-Agent", "")
            query = dict(parse_qsl(urlsplit(request.path).query, keep_blank_values=True))
            event["headers"] = headers
            event["multiValueHeaders"] = {name: request.headers.get_all(name) for name in headers}
            if query:
                event["queryStringParameters"] = query
                event["multiValueQueryStringParameters"] = {name: [value] for name, value in query.items()}
        return event


def _connection_id() -> str:
    """An id shaped like API Gateway's (`L0SM9cOFvHcCIhw=`)."""
    return base64.b64encode(uuid.uuid4().bytes[:10]).decode()


def _millis() -> int:
    return int(time.time() * 1000)


_ORIGINAL: dict[str, Callable[..., Any]] = {}


def install() -> None:
    """Route moto's management API to the active server (once per process; without one, moto's own behaviour)."""
    if _ORIGINAL:
        return
    backend = management.ApiGatewayManagementApiBackend
    _ORIGINAL.update(post=backend.post_to_connection, delete=backend.delete_connection)

    def post_to_connection(self: Any, data: bytes, connection_id: str) -> None:
        if not _active:
            return _ORIGINAL["post"](self, data, connection_id)
        # moto reads the id from the path as sent: API Gateway's ids end in `=`, which botocore escapes
        _active[0].post(unquote(connection_id), data if isinstance(data, bytes) else json.dumps(data).encode())
        return None

    def delete_connection(self: Any, connection_id: str) -> None:
        if not _active:
            return _ORIGINAL["delete"](self, connection_id)
        _active[0].close_connection(unquote(connection_id))
        return None

    backend.post_to_connection = post_to_connection  # type: ignore[method-assign]
    backend.delete_connection = delete_connection  # type: ignore[method-assign]
