"""/v1/widgets/messages: the token's subscriber marks, answers and deletes its own in-app messages, as Novu's v1
widget API does."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.inbox import service as inbox
from clarion.inbox.models import (
    ActionRequest,
    ActionType,
    FeedIdentifiers,
    MarkAllRequest,
    MarkAs,
    MarkAsRequest,
    Message,
    RemoveMessagesRequest,
)
from clarion.models import Envelope, ObjectId
from widgets.widget_access import add_preflights, subscriber, token_route

router = APIGatewayHttpRouter()
MessageId = Annotated[ObjectId, Path(description="The message's id")]


@token_route(
    router,
    "POST /v1/widgets/messages/markAs",
    status_code=201,
    summary="Mark the subscriber's messages as read, seen, unread or unseen",
)
def mark_messages(body: MarkAsRequest) -> Envelope[list[Message]]:
    """Marks those of the messages that are the token's subscriber's; the answer lists the messages changed."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.mark_as(caller, subscriber_id, body))


@token_route(
    router,
    "POST /v1/widgets/messages/mark-as",
    status_code=201,
    summary="The same, at the path Novu's current widget API names it (markAs is its deprecated one)",
)
def mark_messages_as(body: MarkAsRequest) -> Envelope[list[Message]]:
    """Marks those of the messages that are the token's subscriber's; the answer lists the messages changed."""
    return mark_messages(body)


@token_route(
    router, "POST /v1/widgets/messages/read", status_code=201, summary="Mark all the subscriber's messages as read"
)
def mark_all_read() -> Envelope[int]:
    """Marks every unread message of the token's subscriber read; answers how many changed."""
    return _mark_all("read")


@token_route(
    router, "POST /v1/widgets/messages/seen", status_code=201, summary="Mark all the subscriber's messages as seen"
)
def mark_all_seen() -> Envelope[int]:
    """Marks every unseen message of the token's subscriber seen; answers how many changed."""
    return _mark_all("seen")


def _mark_all(mark_as: MarkAs) -> Envelope[int]:
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.mark_all(caller, subscriber_id, MarkAllRequest(markAs=mark_as)))


@token_route(
    router,
    "POST /v1/widgets/messages/{messageId}/actions/{type}",
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


@token_route(router, "DELETE /v1/widgets/messages/{messageId}", summary="Delete one of the subscriber's messages")
def remove_message(messageId: MessageId) -> Envelope[Message]:
    """Deletes the message from the token's subscriber's feed and counts; 404 when it is not one of its visible
    messages."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.remove(caller, subscriber_id, messageId))


@token_route(
    router,
    "DELETE /v1/widgets/messages",
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


@token_route(router, "POST /v1/widgets/messages/bulk/delete", summary="Delete up to 100 of the subscriber's messages")
def remove_messages(body: RemoveMessagesRequest) -> Envelope[list[Message]]:
    """Deletes those of the messages that are the token's subscriber's visible ones; the answer lists them."""
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.remove_many(caller, subscriber_id, body.messageIds))


add_preflights(router)
