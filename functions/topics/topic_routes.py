"""/v1/topics: topics and their subscribers, as Novu's v1 API has them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageCursor, PageNumber, SubscriberIdPath, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import CursorPage, Envelope, NovuPage, TopicKey
from clarion.topics import service
from clarion.topics.models import (
    MAX_TOPICS_PER_PAGE,
    AddedSubscribers,
    CreatedTopic,
    CreateTopicRequest,
    RenameTopicRequest,
    Topic,
    TopicMember,
    TopicSubscriber,
    TopicSubscribersRequest,
)

router = APIGatewayHttpRouter()
TopicKeyPath = Annotated[TopicKey, Path(description="The topic's key")]
PageSize = Annotated[int, Query(ge=1, le=MAX_TOPICS_PER_PAGE, description="Topics per page")]
KeyFilter = Annotated[TopicKey | None, Query(description="Only the topic with exactly this key")]


@endpoint(
    router,
    "POST /v1/topics",
    scope="create:topic",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a topic",
)
def create_topic(body: CreateTopicRequest) -> Envelope[CreatedTopic]:
    """Creates a topic under its permanent `key`, as Novu does; triggers and campaigns reach its members with `{type:
    "Topic", topicKey}`. A key already used in the environment is a 409."""
    return Envelope(data=service.create_topic(caller(router), body.key, body.name))


@endpoint(
    router, "GET /v1/topics", scope="list:topic", rate=RouteClass.GLOBAL, summary="List topics, or find one by its key"
)
def list_topics(
    page: PageNumber = 0, pageSize: PageSize = MAX_TOPICS_PER_PAGE, key: KeyFilter = None
) -> NovuPage[Topic]:
    """Novu's paging: `page` from 0 and `pageSize` (at most 10, as in Novu), with `totalCount`. With `key`, only the
    topic with exactly that key (or none)."""
    return service.list_topics(caller(router), page=page, page_size=pageSize, key=key)


@endpoint(
    router,
    "GET /v1/topics/{topicKey}",
    scope="info:topic",
    rate=RouteClass.GLOBAL,
    summary="Get a topic and its first subscriberIds",
)
def get_topic(topicKey: TopicKeyPath) -> Envelope[Topic]:
    """The topic with the first 100 of its subscriberIds (`GET .../subscribers` pages through all of them). An unknown
    key is a 404."""
    return Envelope(data=service.get_topic(caller(router), topicKey))


@endpoint(
    router, "PATCH /v1/topics/{topicKey}", scope="update:topic", rate=RouteClass.CONFIGURATION, summary="Rename a topic"
)
def rename_topic(topicKey: TopicKeyPath, body: RenameTopicRequest) -> Envelope[Topic]:
    """Changes the topic's `name`; its key never changes. An unknown key is a 404."""
    return Envelope(data=service.rename_topic(caller(router), topicKey, body.name))


@endpoint(
    router,
    "DELETE /v1/topics/{topicKey}",
    scope="delete:topic",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Delete a topic that has no subscribers",
)
def delete_topic(topicKey: TopicKeyPath) -> Response[None]:
    """As in Novu, a topic that still has subscribers is not deleted (a 409): remove them first. An unknown key is a
    404."""
    service.delete_topic(caller(router), topicKey)
    return Response(204)


@endpoint(
    router,
    "POST /v1/topics/{topicKey}/subscribers",
    scope="update:topic",
    rate=RouteClass.CONFIGURATION,
    summary="Add subscribers to a topic (created if new)",
)
def add_subscribers(topicKey: TopicKeyPath, body: TopicSubscribersRequest) -> Envelope[AddedSubscribers]:
    """Adds up to 100 subscribers by subscriberId, creating the topic if it does not exist yet, as Novu does. Unknown
    subscribers are reported under `failed.notFound`; the others are added."""
    return Envelope(data=service.add_subscribers(caller(router), topicKey, body.subscribers))


@endpoint(
    router,
    "POST /v1/topics/{topicKey}/subscribers/removal",
    scope="update:topic",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Remove subscribers from a topic",
)
def remove_subscribers(topicKey: TopicKeyPath, body: TopicSubscribersRequest) -> Response[None]:
    """Removes up to 100 subscribers; those that were not members are ignored, as in Novu. Unlike Novu, an unknown topic
    is a 404."""
    service.remove_subscribers(caller(router), topicKey, body.subscribers)
    return Response(204)


@endpoint(
    router,
    "GET /v1/topics/{topicKey}/subscribers",
    scope="list:topic",
    rate=RouteClass.GLOBAL,
    summary="List a topic's subscribers, page by page",
)
def list_topic_subscribers(
    topicKey: TopicKeyPath, limit: Limit = 20, cursor: PageCursor = None
) -> CursorPage[TopicMember]:
    """Clarion's cursor paging (`limit`, `cursor`) over every member, with when each was added; pass `nextCursor` back
    as `cursor`. An unknown topic is a 404."""
    return service.list_members(caller(router), topicKey, limit=limit, cursor=cursor)


@endpoint(
    router,
    "GET /v1/topics/{topicKey}/subscribers/{externalSubscriberId}",
    scope="info:topic",
    rate=RouteClass.GLOBAL,
    summary="Check whether a subscriber belongs to a topic",
)
def check_topic_subscriber(topicKey: TopicKeyPath, externalSubscriberId: SubscriberIdPath) -> Envelope[TopicSubscriber]:
    """Novu's topic-subscriber record of a member. A subscriber that is not a member (or does not exist) is a 404 naming
    `externalSubscriberId`."""
    return Envelope(data=service.get_member(caller(router), topicKey, externalSubscriberId))
