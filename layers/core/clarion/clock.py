"""Every reading of time in the layer comes from here, so the local runtime can move time forward in tests."""

import time
from datetime import UTC, datetime
from typing import Protocol


class TimeSource(Protocol):
    def time(self) -> float: ...

    def monotonic(self) -> float: ...


_source: TimeSource = time


def use(source: TimeSource | None) -> None:
    """Read time from `source` (the local runtime's clock); None goes back to the system clock."""
    global _source  # noqa: PLW0603 - one process-wide time source, as the system clock is
    _source = source or time


def epoch_seconds() -> float:
    return _source.time()


def monotonic() -> float:
    return _source.monotonic()


def utc_now() -> datetime:
    return datetime.fromtimestamp(_source.time(), UTC)


def timestamp(moment: datetime) -> str:
    """`moment` as ISO 8601 UTC with milliseconds and a `Z` (Novu's shape), which sorts as text."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def timestamp_now() -> str:
    """Now as `timestamp` writes it."""
    return timestamp(utc_now())
