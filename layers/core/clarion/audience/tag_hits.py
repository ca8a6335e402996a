"""Tag hits: each is kept as an item with a TTL in MessagesTable, and counted on its profile for segments.

MessagesTable `ENV#<env>#TAGHITS#<tag>` / `HIT#<timestamp>#<id>`              every hit of a tag (90 days)
MessagesTable `ENV#<env>#TAGHITS#<tag>#SUB#<subscriberId>` / the same sk      a copy: a profile's hits of the tag
MessagesTable `ENV#<env>#TAGHITS#<tag>#DEVICE#<deviceId>` / the same sk       a copy: a device's hits of the tag

A profile's hits change its item in SubscribersTable in the same transaction as the hit items
(clarion.audience.profile_hits): the tag joins the string set `tags` and the day's count in `tagHits` goes up.
"""

from collections.abc import Iterator, Mapping
from datetime import datetime
from itertools import islice
from typing import Any

from clarion import clock
from clarion.audience.profile_hits import TAG_HITS, record_on_profile
from clarion.dynamo import DynamoTable, Expression, Item
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store.keys import (
    TAG_HIT_PREFIX,
    subscriber_pk,
    tag_device_hits_pk,
    tag_hit_sk,
    tag_hits_pk,
    tag_sk,
    tags_pk,
)

HIT_RETENTION_SECONDS = 90 * 24 * 3600
Hit = tuple[str, str, Any]
"""(tag, timestamp, value) of one hit."""


class TagHitsStore:
    def __init__(self) -> None:
        self.profiles = DynamoTable(settings().subscribers_table)
        self.hits = DynamoTable(settings().messages_table)

    def record_for_profile(self, environment_id: str, subscriber_id: str, hits: list[Hit]) -> bool:
        """Stores the hits and counts them on the profile, in one transaction; False (nothing written) when there is
        no such profile."""

        def hit_items() -> list[dict[str, Any]]:  # new ids for each try
            items = [self._item(environment_id, hit, subscriberId=subscriber_id) for hit in hits]
            copies = [item | {"pk": tag_hits_pk(environment_id, item["tag"], subscriber_id)} for item in items]
            return [self.hits.put_op(item) for item in items + copies]

        pk = subscriber_pk(environment_id, subscriber_id)
        named = [(tag, at) for tag, at, _ in hits]
        return record_on_profile(self.profiles, pk, TAG_HITS, named, hit_items)

    def record_for_device(self, environment_id: str, device_id: str, hits: list[Hit]) -> None:
        """Stores the hits and their copies in the device's partitions (no profile to count them on)."""
        items = [self._item(environment_id, hit, deviceId=device_id) for hit in hits]
        copies = [item | {"pk": tag_device_hits_pk(environment_id, item["tag"], device_id)} for item in items]
        self.hits.batch_write(puts=items + copies)

    def count_tag_hits(self, environment_id: str, per_tag: Mapping[str, int], *, at: str) -> None:
        """Adds to each catalogued tag's `hits` and sets its `lastHitAt` (one UpdateItem a tag)."""
        for tag, hits in per_tag.items():
            update = Expression(
                "ADD #hits :n SET #last = :at", {"#hits": "hits", "#last": "lastHitAt"}, {":n": hits, ":at": at}
            )
            self.profiles.update(tags_pk(environment_id), tag_sk(tag), update, "attribute_exists(pk)")

    def _item(self, environment_id: str, hit: Hit, **target: str) -> Item:
        tag, at, value = hit
        item = {
            "pk": tag_hits_pk(environment_id, tag),
            "sk": tag_hit_sk(at, new_id()),
            "tag": tag,
            **target,
            "timestamp": at,
            "receivedAt": clock.timestamp_now(),
            "expiresAt": int(clock.epoch_seconds()) + HIT_RETENTION_SECONDS,
        }
        return item if value is None else item | {"value": value}

    def page(
        self,
        environment_id: str,
        tag: str,
        *,
        offset: int,
        limit: int,
        subscriber_id: str | None = None,
        device_id: str | None = None,
    ) -> tuple[list[Item], bool]:
        """`limit` hits from `offset` on, newest first (of one subscriber or device when given), and whether more
        follow."""
        if device_id is not None:
            partition = tag_device_hits_pk(environment_id, tag, device_id)
        else:
            partition = tag_hits_pk(environment_id, tag, subscriber_id)
        items: Iterator[Item] = self.hits.partition_items(partition, prefix=TAG_HIT_PREFIX, newest_first=True)
        found = list(islice(items, offset, offset + limit + 1))
        return found[:limit], len(found) > limit


def hit_time(text: str | None, now: datetime, *, future_seconds: int, past_seconds: int) -> str:
    """The hit's instant as stored; ValueError when it is not an instant with an offset, or too far off `now`."""
    if text is None:
        return clock.timestamp(now)
    moment = clock.parse_instant(text)
    ahead = (moment - now).total_seconds()
    if ahead > future_seconds:
        raise ValueError(f"is more than {future_seconds // 60} minutes in the future")
    if -ahead > past_seconds:
        raise ValueError(f"is more than {past_seconds // 86400} days ago (hits are kept that long)")
    return clock.timestamp(moment)
