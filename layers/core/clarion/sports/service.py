"""Following and unfollowing a competition's updates: membership of its topic, through the topics service."""

from contextlib import suppress

from clarion.errors import NotFound
from clarion.principal import Principal
from clarion.sports.models import SportsSubscriptionResult, SportsUnsubscription
from clarion.topics import service as topics

TOPIC_PREFIX = "sports:"


def topic_key(competition: str) -> str:
    return f"{TOPIC_PREFIX}{competition}"


def subscribe(caller: Principal, competition: str, subscriber_ids: list[str]) -> SportsSubscriptionResult:
    """Adds the existing subscribers to the competition's topic (created on the first subscription)."""
    key = topic_key(competition)
    added = topics.add_subscribers(caller, key, subscriber_ids)
    not_found = added.failed.notFound if added.failed else []
    return SportsSubscriptionResult(topicKey=key, succeeded=added.succeeded, notFound=not_found)


def unsubscribe(caller: Principal, competition: str, subscriber_ids: list[str]) -> SportsUnsubscription:
    """Removes the subscribers from the competition's topic; non-followers, and a competition nobody follows, are
    nothing to do."""
    key = topic_key(competition)
    with suppress(NotFound):
        topics.remove_subscribers(caller, key, subscriber_ids)
    return SportsUnsubscription(topicKey=key)
