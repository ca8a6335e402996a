"""What can be done with topics and their subscribers, as Novu v1 does it; independent of HTTP."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from clarion.clock import timestamp_now
from clarion.errors import Conflict, NotFound
from clarion.ids import new_id
from clarion.models import CursorPage, NovuPage, counted_page
from clarion.principal import Principal
from clarion.settings import settings
from clarion.subscribers.repository import SubscribersRepository
from clarion.topics.models import (
    SUBSCRIBERS_SHOWN,
    AddedSubscribers,
    CreatedTopic,
    FailedSubscribers,
    Topic,
    TopicMember,
    TopicSubscriber,
)
from clarion.topics.repository import TopicsRepository

if TYPE_CHECKING:
    from clarion.store import entities


def create_topic(caller: Principal, key: str, name: str) -> CreatedTopic:
    environment_id = caller.environment_id
    topic = _new_topic(key, name)
    if not TopicsRepository().create(environment_id, topic):
        raise Conflict(
            f"Topic exists with key {key} in the environment {environment_id} "
            f"of the organization {settings().organization_id}",
            field="key",
            value=key,
        )
    return CreatedTopic(id=topic["_id"], key=key)


def list_topics(caller: Principal, *, page: int, page_size: int, key: str | None) -> NovuPage[Topic]:
    """Novu's filter: every topic, `page` by `page`, or only the one whose key is exactly `key`."""
    repository = TopicsRepository()
    if key is not None:
        found = repository.get(caller.environment_id, key)
        shown = [_view(caller, found)] if found and page == 0 else []
        return NovuPage(page=page, pageSize=page_size, totalCount=int(found is not None), hasMore=False, data=shown)
    return counted_page(repository, caller.environment_id, page=page, limit=page_size, public=partial(_view, caller))


def get_topic(caller: Principal, key: str) -> Topic:
    return _view(caller, _existing(caller, key))


def rename_topic(caller: Principal, key: str, name: str) -> Topic:
    topic = _existing(caller, key)
    now = timestamp_now()
    if not TopicsRepository().rename(caller.environment_id, key, name, now):
        raise _topic_not_found(caller, key)
    return _view(caller, topic | {"name": name, "updatedAt": now})


def delete_topic(caller: Principal, key: str) -> None:
    """Novu refuses to delete a topic that still has subscribers: remove them first."""
    topic = _existing(caller, key)
    if topic["subscriberCount"] == 0:
        if TopicsRepository().delete_if_empty(caller.environment_id, key):
            return
        _existing(caller, key)  # deleted meanwhile: a 404, not a 409
    raise Conflict(
        f"Topic with key {key} in the environment {caller.environment_id} "
        "can't be deleted as it still has subscribers assigned",
        field="topicKey",
        value=key,
    )


def add_subscribers(caller: Principal, key: str, subscriber_ids: list[str]) -> AddedSubscribers:
    """Adds the subscribers that exist, reports the others; like Novu, an unknown topic is created on the way."""
    wanted = list(dict.fromkeys(subscriber_ids))
    topic = _existing_or_created(caller, key)
    existing = SubscribersRepository().existing_ids(caller.environment_id, wanted)
    succeeded = [subscriber_id for subscriber_id in wanted if subscriber_id in existing]
    if succeeded and not TopicsRepository().add_members(caller.environment_id, topic, succeeded, timestamp_now()):
        raise _topic_not_found(caller, key)
    not_found = [subscriber_id for subscriber_id in wanted if subscriber_id not in existing]
    return AddedSubscribers(succeeded=succeeded, failed=FailedSubscribers(notFound=not_found) if not_found else None)


def remove_subscribers(caller: Principal, key: str, subscriber_ids: list[str]) -> None:
    """Removes those of the subscribers that are members; the others are ignored, as Novu does."""
    _existing(caller, key)
    if not TopicsRepository().remove_members(caller.environment_id, key, list(dict.fromkeys(subscriber_ids))):
        raise _topic_not_found(caller, key)


def list_members(caller: Principal, key: str, *, limit: int, cursor: str | None) -> CursorPage[TopicMember]:
    _existing(caller, key)
    page = TopicsRepository().members_page(caller.environment_id, key, limit=limit, cursor=cursor)
    return CursorPage(
        data=[TopicMember(subscriberId=item["subscriberId"], addedAt=item["addedAt"]) for item in page.items],
        limit=limit,
        hasMore=page.cursor is not None,
        nextCursor=page.cursor,
    )


def get_member(caller: Principal, key: str, subscriber_id: str) -> TopicSubscriber:
    member = TopicsRepository().get_member(caller.environment_id, key, subscriber_id)
    subscriber = SubscribersRepository().get(caller.environment_id, subscriber_id) if member else None
    if member is None or subscriber is None:
        raise NotFound(
            f"Subscriber {subscriber_id} not found for topic {key} in the environment {caller.environment_id}",
            field="externalSubscriberId",
            value=subscriber_id,
        )
    return TopicSubscriber(
        id=member["_id"],
        organizationId=settings().organization_id,
        environmentId=caller.environment_id,
        subscriberId=subscriber["id"],
        topicId=member["topicId"],
        topicKey=key,
        externalSubscriberId=subscriber_id,
    )


def _new_topic(key: str, name: str) -> entities.Topic:
    now = timestamp_now()
    return {"_id": new_id(), "key": key, "name": name, "subscriberCount": 0, "createdAt": now, "updatedAt": now}


def _existing(caller: Principal, key: str) -> entities.Topic:
    """A topic of the caller's environment; another environment's topic is as absent as a missing one."""
    topic = TopicsRepository().get(caller.environment_id, key)
    if topic is None:
        raise _topic_not_found(caller, key)
    return topic


def _existing_or_created(caller: Principal, key: str) -> entities.Topic:
    repository = TopicsRepository()
    topic = repository.get(caller.environment_id, key)
    if topic is None:
        created = _new_topic(key, f"Autogenerated-{key}")
        # another request may create it first: then theirs is the topic
        topic = created if repository.create(caller.environment_id, created) else _existing(caller, key)
    return topic


def _topic_not_found(caller: Principal, key: str) -> NotFound:
    return NotFound(f"Topic not found for id {key} in the environment {caller.environment_id}", field="topicKey")


def _view(caller: Principal, topic: entities.Topic) -> Topic:
    """The topic in Novu's shape, with its first subscriberIds (a Query only when it has any)."""
    count = int(topic["subscriberCount"])
    subscribers = (
        TopicsRepository().member_ids(caller.environment_id, topic["key"], limit=SUBSCRIBERS_SHOWN) if count else []
    )
    return Topic(
        id=topic["_id"],
        environmentId=caller.environment_id,
        organizationId=settings().organization_id,
        key=topic["key"],
        name=topic["name"],
        subscribers=subscribers,
        subscriberCount=count,
        createdAt=topic["createdAt"],
        updatedAt=topic["updatedAt"],
    )
