"""A segment's members, a page of profiles at a time: the environment's subscriberIds from the keys-only ListIndex,
their profiles in one BatchGetItem per 100, the topic memberships its topic rules name in one BatchGetItem per 100
(topic, profile) pairs, then `matches` in memory. Memory is bounded by a page, whatever the environment's size."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import TypeAdapter

from clarion.clock import utc_now
from clarion.segments.evaluate import Context, matches
from clarion.segments.rules import Rule, TopicRule, leaves
from clarion.subscribers.repository import SubscribersRepository
from clarion.topics.repository import TopicsRepository

if TYPE_CHECKING:
    from clarion.store import entities


@cache
def _rule() -> TypeAdapter[Rule]:
    return TypeAdapter(Rule)


class MatchedPage(NamedTuple):
    subscriber_ids: list[str]  # the matching ones, in the page's order
    profiles: dict[str, entities.Subscriber]  # their profiles
    scanned: int  # the profiles read


def parse(rule: dict[str, Any]) -> Rule:
    """A stored (or snapshotted) rule tree as the model `matches` evaluates."""
    return _rule().validate_python(rule)


def matching(environment_id: str, rule: Rule, subscriber_ids: list[str]) -> MatchedPage:
    """Those of `subscriber_ids` whose profile matches `rule` (a page of ids, at most a few hundred)."""
    profiles = SubscribersRepository().get_many(environment_id, subscriber_ids) if subscriber_ids else {}
    topic_keys = sorted({leaf.topicKey for leaf in leaves(rule) if isinstance(leaf, TopicRule)})
    memberships = TopicsRepository().memberships(environment_id, topic_keys, list(profiles)) if topic_keys else {}
    today = utc_now().date()
    found = [
        subscriber_id
        for subscriber_id in subscriber_ids
        if subscriber_id in profiles
        and matches(
            rule,
            profiles[subscriber_id],
            Context(today=today, topics=frozenset(memberships.get(subscriber_id, ()))),
        )
    ]
    return MatchedPage(found, {i: profiles[i] for i in found}, len(profiles))
