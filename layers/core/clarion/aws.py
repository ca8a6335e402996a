"""boto3 clients created on first use: importing boto3 costs ~0.5 s, so a route that needs no AWS call never pays."""

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """The container's shared client for `service` (boto3 clients are thread-safe)."""
    found = _clients.get(service)
    if found is not None:
        return found
    with _lock:
        if service not in _clients:
            import boto3  # noqa: PLC0415 - deferred for cold start

            _clients[service] = boto3.session.Session().client(service)
        return _clients[service]
