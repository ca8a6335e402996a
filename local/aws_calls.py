"""Count the AWS API calls functions make (`LocalRuntime.count_aws_calls`), at the boto3 client level."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient

from local.functions import FunctionRegistry


@dataclass(frozen=True)
class AwsCall:
    function: str | None
    """The logical id of the function that made the call (None: outside any invocation)."""
    service: str
    operation: str


@dataclass
class AwsCalls:
    calls: list[AwsCall] = field(default_factory=list)

    def total(self, service: str, operation: str | None = None, function: str | None = None) -> int:
        """How many calls to `service` (and `operation`, made by `function`, when given) were made."""
        return sum(
            1
            for call in self.calls
            if call.service == service and operation in (None, call.operation) and function in (None, call.function)
        )

    get = total


_recorders: dict[int, tuple[FunctionRegistry | None, AwsCalls]] = {}
_lock = threading.Lock()
_original_make_api_call = BaseClient._make_api_call


def _make_api_call(self: BaseClient, operation_name: str, api_params: Any) -> Any:
    with _lock:
        recorders = list(_recorders.values())
    for registry, calls in recorders:
        function = getattr(registry.current, "function", None) if registry is not None else None
        calls.calls.append(AwsCall(function, self.meta.service_model.service_name, operation_name))
    return _original_make_api_call(self, operation_name, api_params)


@contextmanager
def count_aws_calls(registry: FunctionRegistry | None = None) -> Iterator[AwsCalls]:
    """Record every boto3 API call made in this process meanwhile; with a registry, which function made it."""
    calls = AwsCalls()
    with _lock:
        BaseClient._make_api_call = _make_api_call
        _recorders[id(calls)] = (registry, calls)
    try:
        yield calls
    finally:
        with _lock:
            del _recorders[id(calls)]
