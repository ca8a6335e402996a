"""Loading data as a client that honours the API's rate limits does: a 429 is waited out for its `Retry-After`
seconds and the call made again. The bulk loads of the benchmarks and the heavy tests spend tokens faster than the
configuration class refills them (a bulk of 500 subscribers costs 50 of 200 a second) when the machine is idle."""

import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

MAX_WAITS = 20


class Limited(Protocol):
    status: int
    headers: dict[str, str]


R = TypeVar("R", bound=Limited)


def within_limits(call: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """`call(*args, **kwargs)`, made again after each 429's Retry-After (at most MAX_WAITS times)."""
    response = call(*args, **kwargs)
    for _ in range(MAX_WAITS):
        if response.status != 429:
            return response
        time.sleep(float(response.headers.get("retry-after", "1")))
        response = call(*args, **kwargs)
    return response
