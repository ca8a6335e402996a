"""boto3 clients created on first use: importing boto3 costs ~0.5 s, so a route that needs no AWS call never pays."""

import threading
from functools import lru_cache
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
            _clients[key] = _new_client(service, single_attempt)
        return _clients[key]


def client_for(
    service: str,
    *,
    region: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
    single_attempt: bool = False,
) -> Any:
    """A client for `region` and/or signed with an access key (an integration's own AWS account); the container's
    shared client when neither is given."""
    if region is None and access_key_id is None:
        return client(service, single_attempt=single_attempt)
    return _client_for(service, region, access_key_id, secret_access_key, single_attempt)


@lru_cache(maxsize=4)
def client_at(service: str, endpoint_url: str) -> Any:
    """A single-attempt client of a service reached at an endpoint of its own (API Gateway's management API is one
    endpoint per WebSocket API and stage)."""
    return _new_client(service, True, endpoint_url=endpoint_url)


@lru_cache(maxsize=32)
def _client_for(
    service: str, region: str | None, access_key_id: str | None, secret_access_key: str | None, single_attempt: bool
) -> Any:
    return _new_client(
        service,
        single_attempt,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        region_name=region,
    )


def _new_client(service: str, single_attempt: bool, *, endpoint_url: str | None = None, **session: str | None) -> Any:
    import boto3  # noqa: PLC0415 - deferred for cold start
    from botocore.config import Config  # noqa: PLC0415

    retries = {"total_max_attempts": 1} if single_attempt else None
    config = Config(parameter_validation=False, retries=retries)
    return boto3.session.Session(**session).client(service, config=config, endpoint_url=endpoint_url)
