"""Named in-app feeds, as Novu v1 has them: a name that is also the feed's identifier, unique per environment.

Feeds are stored and listed; Clarion's in-app steps name no feed yet, so no message belongs to one (a subscriber's
feed filtered by `feedIdentifier` is empty, see docs/api.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clarion.changes.entity_types import FEED
from clarion.changes.recording import record_change
from clarion.clock import timestamp_now
from clarion.errors import NotFound
from clarion.feeds.models import CreateFeedRequest, Feed
from clarion.feeds.repository import FeedsRepository
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.settings import settings

if TYPE_CHECKING:
    from clarion.store import entities


def create_feed(caller: Principal, request: CreateFeedRequest) -> Feed:
    now = timestamp_now()
    feed: entities.Feed = {
        "_id": new_id(),
        "_environmentId": caller.environment_id,
        "_organizationId": settings().organization_id,
        "name": request.name,
        "identifier": request.name,
        "createdAt": now,
        "updatedAt": now,
    }
    FeedsRepository().create(caller.environment_id, feed)
    record_change(caller, FEED, None, feed)
    return Feed.model_validate(feed)


def list_feeds(caller: Principal) -> list[Feed]:
    return [Feed.model_validate(feed) for feed in FeedsRepository().all(caller.environment_id)]


def delete_feed(caller: Principal, feed_id: str) -> list[Feed]:
    """Deletes the feed and answers the environment's remaining feeds, as Novu does."""
    repository = FeedsRepository()
    feed = repository.get(caller.environment_id, feed_id)
    if feed is None or not repository.delete(caller.environment_id, feed):
        raise NotFound(f"feed '{feed_id}' not found", field="feedId")
    return list_feeds(caller)
