"""A trigger's audience, read one page at a time: never the whole audience in memory.

The targets are read in order as sources: the listed subscriberIds (100 a page, one BatchGetItem), then each
topic's members (a Query of the topic's partition, then one BatchGetItem of their profiles), then each list's members
(the same, in the list's partition), or, for `all`, the environment's subscribers through the keys-only ListIndex; a
segment reads those pages too and keeps the profiles its snapshotted rule matches (clarion.segments.members). A
cursor `{"source", "position"}` says where the next page starts, so a continuation job resumes exactly there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from clarion.lists.repository import ListsRepository
from clarion.subscribers.everyone import AllSubscribers
from clarion.subscribers.repository import SubscribersRepository
from clarion.topics.repository import TopicsRepository

if TYPE_CHECKING:
    from clarion.engine.job_types import Targets, ZoneFilter
    from clarion.store import entities

Cursor = dict[str, Any]


class AudiencePage(NamedTuple):
    subscriber_ids: list[str]
    profiles: dict[str, entities.Subscriber]  # those of `subscriber_ids` that exist
    next_cursor: Cursor | None  # None: the audience is exhausted


def _sources(targets: Targets) -> list[tuple[str, str | None]]:
    if targets["all"]:
        return [("all", None)]  # everyone: listing topics or ids too would only repeat them
    sources: list[tuple[str, str | None]] = [("subscribers", None)] if targets["subscriberIds"] else []
    sources += [("topic", key) for key in targets["topicKeys"]]
    sources += [("list", list_id) for list_id in targets.get("listIds") or []]
    return sources + ([("segment", None)] if targets.get("segment") else [])


def read_page(environment_id: str, targets: Targets, cursor: Cursor | None, *, page_size: int) -> AudiencePage:
    """The page of the audience starting at `cursor` (None: the beginning); it may be empty (an empty topic)."""
    sources = _sources(targets)
    index = cursor["source"] if cursor else 0
    position = cursor["position"] if cursor else None
    if index >= len(sources):
        return AudiencePage([], {}, None)
    kind, group = sources[index]
    following: int | str | None
    if kind == "subscribers":
        start = int(position or 0)
        ids = targets["subscriberIds"][start : start + page_size]
        following = start + page_size if start + page_size < len(targets["subscriberIds"]) else None
    elif kind == "topic":
        assert group is not None
        page = TopicsRepository().members_page(environment_id, group, limit=page_size, cursor=position)
        ids, following = [item["subscriberId"] for item in page.items], page.cursor
    elif kind == "list":
        assert group is not None
        members = ListsRepository().members_page(environment_id, group, limit=page_size, cursor=position)
        ids, following = [item["subscriberId"] for item in members.items], members.cursor
    elif kind == "segment":  # every profile read, those matching the rule kept: a page may come back empty
        from clarion.segments.members import matching, parse  # noqa: PLC0415 - cold start: a segment's jobs only

        ids, following = AllSubscribers().ids_page(environment_id, limit=page_size, cursor=position)
        matched = matching(environment_id, parse(targets["segment"]["rule"]), ids)
        return AudiencePage(matched.subscriber_ids, matched.profiles, _next(sources, index, following))
    else:
        ids, following = AllSubscribers().ids_page(environment_id, limit=page_size, cursor=position)
    profiles = SubscribersRepository().get_many(environment_id, ids) if ids else {}
    return AudiencePage(ids, profiles, _next(sources, index, following))


def _next(sources: list[tuple[str, str | None]], index: int, following: int | str | None) -> Cursor | None:
    if following is not None:
        return {"source": index, "position": following}
    return {"source": index + 1, "position": None} if index + 1 < len(sources) else None


def in_zone(page: AudiencePage, zone: ZoneFilter) -> AudiencePage:
    """The page's subscribers a local-time schedule's zone job sends to (clarion.schedules.planner): those of its
    timezone, and for the default zone's job (`others` set) also those without one or in a zone without a job."""
    others = zone["others"]

    def due(subscriber_id: str) -> bool:
        profile = page.profiles.get(subscriber_id)
        timezone = profile.get("timezone") if profile else None
        if timezone == zone["timezone"]:
            return True
        return others is not None and (not timezone or timezone not in others)

    ids = [subscriber_id for subscriber_id in page.subscriber_ids if due(subscriber_id)]
    return AudiencePage(ids, {i: page.profiles[i] for i in ids if i in page.profiles}, page.next_cursor)
