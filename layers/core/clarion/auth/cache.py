"""A small TTL + LRU cache: a warm authorizer answers a repeated key without reading DynamoDB."""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from clarion import clock as clarion_clock

V = TypeVar("V")


class TtlCache(Generic[V]):
    def __init__(
        self, ttl_seconds: float, max_entries: int, clock: Callable[[], float] = clarion_clock.monotonic
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, V | None]:
        """(found, value): a cached None (a key known not to exist) is found too."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            expires, value = entry
            if self.clock() >= expires:
                del self._entries[key]
                return False, None
            self._entries.move_to_end(key)
            return True, value

    def put(self, key: str, value: V) -> None:
        if self.ttl_seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (self.clock() + self.ttl_seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
