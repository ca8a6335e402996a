"""/v1/widgets/messages: the token's subscriber marks, answers and deletes its own in-app messages, as Novu's v1
widget API does."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import endpoint
from clarion.inbox import service as inbox
from clarion.inbox.models import (
    ActionRequest,
    ActionType,
    FeedIdentifiers,
    MarkAllRequest,
    MarkAsRequest,
    Message,
    RemoveMessagesRequest,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId
from widgets.widget_access import REFUSED_TOKEN, TOKEN, add_preflights, subscriber

router = APIGatewayHttpRouter()
MessageId = Annotated[ObjectId, Path(description="The message's id")]


@endpoint(
    router,
    "POST /v1/widgets/messages/markAs",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    status_code=201,
    summary="Mark the subscriber's messages as read, seen, unread or unseen",
)
def mark_messages(body: MarkAsRequest) -> Envelope[list[Message]]:
    """Marks those of the messages that are the token's subscriber's; the answer lists the messages changed."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.mark_as(caller, subscriber_id, body))


@endpoint(
    router,
    "POST /v1/widgets/messages/mark-as",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    status_code=201,
    summary="The same, at the path Novu's current widget API names it (markAs is its deprecated one)",
)
def mark_messages_as(body: MarkAsRequest) -> Envelope[list[Message]]:
    """Marks those of the messages that are the token's subscriber's; the answer lists the messages changed."""
    return mark_messages(body)


@endpoint(
    router,
    "POST /v1/widgets/messages/read",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    status_code=201,
    summary="Mark all the subscriber's messages as read",
)
def mark_all_read() -> Envelope[int]:
    """Marks every unread message of the token's subscriber read; answers how many changed."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.mark_all(caller, subscriber_id, MarkAllRequest(markAs="read")))


@endpoint(
    router,
    "POST /v1/widgets/messages/seen",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    status_code=201,
    summary="Mark all the subscriber's messages as seen",
)
def mark_all_seen() -> Envelope[int]:
    """Marks every unseen message of the token's subscriber seen; answers how many changed."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.mark_all(caller, subscriber_id, MarkAllRequest(markAs="seen")))


@endpoint(
    router,
    "POST /v1/widgets/messages/{messageId}/actions/{type}",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    status_code=201,
    summary="Record the subscriber's answer to a message's button",
)
def act_on_message(
    messageId: MessageId,
    type: Annotated[ActionType, Path(description="Which button: primary or secondary")],
    body: ActionRequest,
) -> Envelope[Message]:
    """Records which button of its message the token's subscriber pressed, with the action's status and payload."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.act(caller, subscriber_id, messageId, type, body))


@endpoint(
    router,
    "DELETE /v1/widgets/messages/{messageId}",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    summary="Delete one of the subscriber's messages",
)
def remove_message(messageId: MessageId) -> Envelope[Message]:
    """Deletes the message from the token's subscriber's feed and counts; 404 when it is not one of its visible
    messages."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.remove(caller, subscriber_id, messageId))


@endpoint(
    router,
    "DELETE /v1/widgets/messages",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    status_code=204,
    summary="Delete all the subscriber's messages (of one feed, with feedId)",
)
def remove_all_messages(
    feedId: Annotated[FeedIdentifiers | None, Query(description="Only the messages of these feeds")] = None,
) -> Response[None]:
    """Deletes every visible message of the token's subscriber, or only those of the given feeds."""
    caller, subscriber_id = subscriber(router)
    inbox.remove_all(caller, subscriber_id, feedId)
    return Response(204)


@endpoint(
    router,
    "POST /v1/widgets/messages/bulk/delete",
    scope=None,
    public=TOKEN,
    rate=RouteClass.SUBSCRIBER,
    responses=REFUSED_TOKEN,
    summary="Delete up to 100 of the subscriber's messages",
)
def remove_messages(body: RemoveMessagesRequest) -> Envelope[list[Message]]:
    """Deletes those of the messages that are the token's subscriber's visible ones; the answer lists them."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.remove_many(caller, subscriber_id, body.messageIds))


add_preflights(router)
