"""Count the AWS API calls functions make (`LocalRuntime.count_aws_calls`), at the boto3 client level, and time
them: how much of a run is spent inside AWS (moto, here) and how much in the code around the calls."""

from __future__ import annotations

import threading
import time
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
    seconds: float
    """Time inside the call; 0 for a call made inside another (moto calling a function that calls AWS)."""


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

    def seconds(self) -> float:
        """Time spent inside AWS calls, each nested call counted once, within its outermost call."""
        return sum(call.seconds for call in self.calls)

    def by_operation(self) -> dict[str, tuple[int, float]]:
        """`service:Operation` → (calls, seconds inside them), most time first."""
        found: dict[str, tuple[int, float]] = {}
        for call in self.calls:
            count, seconds = found.get(f"{call.service}:{call.operation}", (0, 0.0))
            found[f"{call.service}:{call.operation}"] = (count + 1, seconds + call.seconds)
        return dict(sorted(found.items(), key=lambda item: -item[1][1]))


_recorders: dict[int, tuple[FunctionRegistry | None, AwsCalls]] = {}
_lock = threading.Lock()
_depth = threading.local()
_original_make_api_call = BaseClient._make_api_call


def _make_api_call(self: BaseClient, operation_name: str, api_params: Any) -> Any:
    with _lock:
        recorders = list(_recorders.values())
    functions = [getattr(registry.current, "function", None) if registry else None for registry, _ in recorders]
    outermost = getattr(_depth, "calls", 0) == 0
    _depth.calls = getattr(_depth, "calls", 0) + 1
    started = time.perf_counter()
    try:
        return _original_make_api_call(self, operation_name, api_params)
    finally:
        _depth.calls -= 1
        seconds = time.perf_counter() - started if outermost else 0.0
        service = self.meta.service_model.service_name
        for function, (_, calls) in zip(functions, recorders, strict=True):
            calls.calls.append(AwsCall(function, service, operation_name, seconds))


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
