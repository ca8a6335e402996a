"""The per-day hit counts a profile keeps for segments: `tagHits = {tag: {yyyy-mm-dd: count}}`, and `eventHits` alike.

Only the last `TAG_HIT_DAYS` days (UTC) are kept, and at most `MAX_COUNTED_TAGS` tags: past that, the tags hit
longest ago leave the map (they stay in the profile's `tags`). "Tag X hit at least 3 times in the last 7 days" is
then a sum over at most 7 entries of the profile alone.
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

TAG_HIT_DAYS = 30
MAX_COUNTED_TAGS = 100
TagHits = dict[str, dict[str, int]]


def counted(current: Mapping[str, Mapping[str, int]] | None, hits: Iterable[tuple[str, str]], today: date) -> TagHits:
    """`current` with one more hit for each (tag, yyyy-mm-dd) of `hits`, days before the window dropped."""
    oldest = (today - timedelta(days=TAG_HIT_DAYS - 1)).isoformat()
    counts: TagHits = {tag: {d: n for d, n in days.items() if d >= oldest} for tag, days in (current or {}).items()}
    for tag, day in hits:
        if day >= oldest:
            days = counts.setdefault(tag, {})
            days[day] = days.get(day, 0) + 1
    kept = sorted((tag for tag, days in counts.items() if days), key=lambda tag: max(counts[tag]), reverse=True)
    return {tag: counts[tag] for tag in kept[:MAX_COUNTED_TAGS]}


def hits_within(counts: Mapping[str, Mapping[str, int]] | None, tag: str, days: int, today: date) -> int:
    """How many hits of `tag` the map holds for the last `days` days, today included: what a segment rule reads."""
    oldest, last = (today - timedelta(days=days - 1)).isoformat(), today.isoformat()
    return sum(n for day, n in ((counts or {}).get(tag) or {}).items() if oldest <= day <= last)
