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


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset or `Z`; ValueError saying what is wrong (no offset is no instant)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError("is not an ISO 8601 instant") from error
    if moment.tzinfo is None:
        raise ValueError("give the instant's offset or Z")
    return moment
