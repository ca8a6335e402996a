"""The runtime clock: real time plus an offset that moves forward when tests (or idle waits) skip time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


class Clock:
    """Schedules, SQS visibility timeouts, authorizer caching, DynamoDB TTL and Wait states run on this clock.

    It only ever moves forward: `advance` moves it and runs the listeners (the runtime fires what became
    due); `catch_up`, used when a scaled Wait state ends, moves it without them.
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._changed = threading.Condition()
        self._listeners: list[Callable[[datetime], object]] = []

    @property
    def offset(self) -> float:
        return self._offset

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        previous = self.now()
        with self._changed:
            self._offset += seconds
            self._changed.notify_all()
        for listener in list(self._listeners):
            listener(previous)

    def catch_up(self, epoch_seconds: float) -> None:
        with self._changed:
            self._offset = max(self._offset, epoch_seconds - time.time())
            self._changed.notify_all()

    def wait_until(self, epoch_seconds: float, timeout: float) -> bool:
        """Block until the clock reaches `epoch_seconds` (True) or `timeout` real seconds pass (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: self.time() >= epoch_seconds, timeout)

    def on_advance(self, listener: Callable[[datetime], object]) -> None:
        """`listener(previous_now)` runs after each `advance`."""
        self._listeners.append(listener)
