"""boto3 clients for the moto behind the local runtime, made once per process (a client costs ~50 ms).

Clients created after moto is imported work across mock_aws sessions; a client is bound to the endpoint
(AWS_ENDPOINT_URL) and region of its creation, so those are part of the cache key.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

import boto3

_lock = threading.Lock()


def client(service: str, region: str) -> Any:
    with _lock:
        return _client(service, region, os.environ.get("AWS_ENDPOINT_URL"))


@functools.cache
def _client(service: str, region: str, endpoint: str | None) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint)
