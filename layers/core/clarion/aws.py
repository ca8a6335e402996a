"""boto3 clients created on first use: importing boto3 costs ~0.5 s, so a route that needs no AWS call never pays."""

import threading
from typing import Any

_clients: dict[tuple[str, bool], Any] = {}
_lock = threading.Lock()


def client(service: str, *, single_attempt: bool = False) -> Any:
    """The container's shared client for `service` (boto3 clients are thread-safe).

    `single_attempt` turns botocore's own retries off: the senders' provider calls fail at once on throttling or
    a 5xx, and the job is retried by its queue after the sender's backoff, not by a Lambda sleeping on it.

    botocore's client-side parameter validation is off: the services validate every request themselves, and
    walking each request through its shape in Python was a quarter of a 25-item BatchWriteItem's time.
    """
    key = (service, single_attempt)
    found = _clients.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in _clients:
            import boto3  # noqa: PLC0415 - deferred for cold start
            from botocore.config import Config  # noqa: PLC0415

            retries = {"total_max_attempts": 1} if single_attempt else None
            config = Config(parameter_validation=False, retries=retries)
            _clients[key] = boto3.session.Session().client(service, config=config)
        return _clients[key]
