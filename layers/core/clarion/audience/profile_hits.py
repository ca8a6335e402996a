"""Hits counted on the profile they are for, per name and UTC day (clarion.audience.hit_counts): tags and events.

The profile is read, then written conditioned on the version of its counts read, in one transaction with the hit's
own items: racing hits of one profile never lose a count, and a hit never lands without its count.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from clarion import clock
from clarion.audience.hit_counts import counted
from clarion.dynamo import (
    CONDITION_FAILED,
    DynamoTable,
    Expression,
    Item,
    cancellation_reasons,
    is_transaction_cancelled,
)
from clarion.errors import Conflict
from clarion.store.keys import PROFILE_SK

ATTEMPTS = 5
NamedHit = tuple[str, str]
"""(name, timestamp) of one hit."""


class HitMap(NamedTuple):
    """Where a kind of hit is counted on the profile: the counts' map, its version, and the set of the names hit."""

    counts: str
    version: str
    names: str | None = None


TAG_HITS = HitMap("tagHits", "tagHitsVersion", names="tags")
EVENT_HITS = HitMap("eventHits", "eventHitsVersion")


def record_on_profile(
    profiles: DynamoTable, pk: str, kind: HitMap, hits: list[NamedHit], with_ops: Callable[[], list[dict[str, Any]]]
) -> bool:
    """Counts `hits` on the profile at `pk` in one transaction with `with_ops()` (the hits' items); False (nothing
    written) when there is no such profile."""
    for _ in range(ATTEMPTS):
        profile = profiles.get(pk, PROFILE_SK, consistent=True)
        if profile is None:
            return False
        try:
            profiles.transact([_count_op(profiles, pk, profile, kind, hits), *with_ops()])
        except Exception as error:
            if is_transaction_cancelled(error) and cancellation_reasons(error)[:1] == [CONDITION_FAILED]:
                continue  # another write of its counts came first, or the profile is gone: read it again
            raise
        return True
    raise Conflict("the subscriber's hits are being changed by many requests at once; retry", field="subscriberId")


def _count_op(profiles: DynamoTable, pk: str, profile: Item, kind: HitMap, hits: list[NamedHit]) -> dict[str, Any]:
    version = int(profile.get(kind.version, 0))
    counts = counted(profile.get(kind.counts), [(name, at[:10]) for name, at in hits], clock.utc_now().date())
    assignments = ["#counts = :counts", "#version = :next"]
    names = {"#counts": kind.counts, "#version": kind.version}
    values: Item = {":counts": counts, ":next": version + 1}
    if kind.names:
        assignments.append("#names = :names")
        names["#names"] = kind.names
        values[":names"] = set(profile.get(kind.names) or ()) | {name for name, _ in hits}
    if version:
        values[":read"] = version
        condition = "attribute_exists(pk) AND #version = :read"
    else:
        condition = "attribute_exists(pk) AND attribute_not_exists(#version)"
    return profiles.update_op(pk, PROFILE_SK, Expression(f"SET {', '.join(assignments)}", names, values), condition)
