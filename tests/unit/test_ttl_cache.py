from clarion.auth.cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_served_until_its_ttl_passes():
    clock = Clock()
    cache: TtlCache[str] = TtlCache(ttl_seconds=30, max_entries=10, clock=clock)
    cache.put("k", "v")
    clock.now = 29.9
    assert cache.get("k") == (True, "v")
    clock.now = 30
    assert cache.get("k") == (False, None)


def test_a_cached_none_counts_as_found():
    cache: TtlCache[str | None] = TtlCache(ttl_seconds=30, max_entries=10, clock=Clock())
    cache.put("unknown", None)
    assert cache.get("unknown") == (True, None)


def test_the_least_recently_used_entry_is_evicted_at_capacity():
    cache: TtlCache[int] = TtlCache(ttl_seconds=30, max_entries=2, clock=Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert cache.get("b") == (False, None)
    assert cache.get("a") == (True, 1)
    assert cache.get("c") == (True, 3)


def test_a_zero_ttl_caches_nothing():
    cache: TtlCache[int] = TtlCache(ttl_seconds=0, max_entries=2, clock=Clock())
    cache.put("a", 1)
    assert cache.get("a") == (False, None)
