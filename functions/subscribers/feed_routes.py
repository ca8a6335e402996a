"""/v1/subscribers/{subscriberId}/notifications and /messages: the subscriber's in-app feed, as Novu's v1 API has it."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BeforeValidator

from clarion.api import PageNumber, SubscriberIdPath, caller, endpoint
from clarion.inbox import service
from clarion.inbox.models import (
    ActionRequest,
    ActionType,
    FeedIdentifiers,
    MarkAllRequest,
    MarkAsRequest,
    Message,
    UnseenCount,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId

router = APIGatewayHttpRouter()
# `read=` (empty) means "either", as when a client fills a query template with no value
Flag = Annotated[bool | None, BeforeValidator(lambda value: None if value == "" else value)]
Feeds = Annotated[FeedIdentifiers | None, Query(description="Only the messages of these feeds (comma-separated)")]


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/notifications/feed",
    scope="list:message",
    rate=RouteClass.GLOBAL,
    summary="Get a subscriber's in-app feed",
)
def get_feed(
    subscriberId: SubscriberIdPath,
    *,
    page: PageNumber = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Messages per page")] = 10,
    read: Annotated[Flag, Query(description="Only read (true) or unread (false) messages")] = None,
    seen: Annotated[Flag, Query(description="Only seen (true) or unseen (false) messages")] = None,
    payload: Annotated[
        str | None, Query(max_length=4096, description="Base64 of a JSON object the message payload must contain")
    ] = None,
    feedIdentifier: Feeds = None,
) -> NovuPage[Message]:
    """Novu's in-app feed of the subscriber, newest first, `page` by `page`, filtered by `read`, `seen`,
    `feedIdentifier` and `payload` (base64 of a JSON object the message payloads must contain). As in Novu, `totalCount`
    is the size of the page."""
    return service.feed(
        caller(router),
        subscriberId,
        page=page,
        limit=limit,
        read=read,
        seen=seen,
        payload=payload,
        feed_identifiers=feedIdentifier,
    )


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/notifications/unseen",
    scope="list:message",
    rate=RouteClass.GLOBAL,
    summary="Count a subscriber's unseen messages",
)
def get_unseen_count(
    subscriberId: SubscriberIdPath,
    seen: Annotated[bool, Query(description="Count seen messages instead of unseen ones")] = False,
    limit: Annotated[int, Query(ge=1, le=100, description="Count no further than this")] = 100,
    feedId: Feeds = None,
) -> Envelope[UnseenCount]:
    """How many of the subscriber's in-app messages are unseen (or seen, with `seen=true`), counting no further than
    `limit`, as Novu does for its bell badge."""
    count = service.unseen_count(caller(router), subscriberId, seen=seen, limit=limit, feed_identifiers=feedId)
    return Envelope(data=count)


@endpoint(
    router,
    "POST /v1/subscribers/{subscriberId}/messages/markAs",
    scope="update:message",
    rate=RouteClass.GLOBAL,
    status_code=201,
    summary="Mark messages as read, seen, unread or unseen",
)
def mark_messages(subscriberId: SubscriberIdPath, body: MarkAsRequest) -> Envelope[list[Message]]:
    """Marks one or more messages `read`, `seen`, `unread` or `unseen` (`read` also marks seen) and answers them. Ids
    that are not the subscriber's messages are left out of the answer rather than failing the call."""
    return Envelope(data=service.mark_as(caller(router), subscriberId, body))


@endpoint(
    router,
    "POST /v1/subscribers/{subscriberId}/messages/mark-as",
    scope="update:message",
    rate=RouteClass.GLOBAL,
    status_code=201,
    summary="The same, at the path Novu's current API names it (markAs is its deprecated one)",
)
def mark_messages_as(subscriberId: SubscriberIdPath, body: MarkAsRequest) -> Envelope[list[Message]]:
    """The same as `POST .../messages/markAs`: Novu's current path for it. Ids that are not the subscriber's messages
    are left out of the answer."""
    return mark_messages(subscriberId, body)


@endpoint(
    router,
    "POST /v1/subscribers/{subscriberId}/messages/mark-all",
    scope="update:message",
    rate=RouteClass.GLOBAL,
    status_code=201,
    summary="Mark all of a subscriber's messages as read, seen, unread or unseen",
)
def mark_all_messages(subscriberId: SubscriberIdPath, body: MarkAllRequest) -> Envelope[int]:
    """Marks every in-app message of the subscriber (only those of `feedIdentifier`, if given) that is not yet in that
    state; answers how many changed."""
    return Envelope(data=service.mark_all(caller(router), subscriberId, body))


@endpoint(
    router,
    "POST /v1/subscribers/{subscriberId}/messages/{messageId}/actions/{type}",
    scope="update:message",
    rate=RouteClass.GLOBAL,
    status_code=201,
    summary="Record the subscriber's answer to a message's button",
)
def act_on_message(
    subscriberId: SubscriberIdPath,
    messageId: Annotated[ObjectId, Path(description="The message's id")],
    type: Annotated[ActionType, Path(description="Which button: primary or secondary")],
    body: ActionRequest,
) -> Envelope[Message]:
    """Records the subscriber's answer (`status`, an optional small `payload`) to the message's primary or secondary
    button and answers the message. A message that is not the subscriber's is a 404 naming `messageId`."""
    return Envelope(data=service.act(caller(router), subscriberId, messageId, type, body))
