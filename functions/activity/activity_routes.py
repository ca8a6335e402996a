"""/v1/messages, /v1/notifications and /v1/execution-details: the activity of an environment, as Novu's v1 API
has it."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.activity import analytics, service
from clarion.activity.analytics import GRAPH_DAYS, MAX_GRAPH_DAYS, ActivityGraphDay
from clarion.activity.models import (
    MAX_MESSAGES_PER_PAGE,
    MAX_NOTIFICATIONS_PER_PAGE,
    ActivityMessage,
    ActivityStats,
    DeletedMessage,
    ExecutionDetail,
    Notification,
)
from clarion.api import PageNumber, caller, endpoint
from clarion.errors import ValidationFailed
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId, SubscriberId
from clarion.store.records import CHANNELS, Channel

router = APIGatewayHttpRouter()
MessageLimit = Annotated[int, Query(ge=1, le=MAX_MESSAGES_PER_PAGE, description="Messages per page")]
NotificationLimit = Annotated[int, Query(ge=1, le=MAX_NOTIFICATIONS_PER_PAGE, description="Notifications per page")]
ChannelFilter = Annotated[Channel | None, Query(description="Only messages of this channel")]
SubscriberFilter = Annotated[SubscriberId | None, Query(description="Only messages to this subscriber")]
TransactionFilter = Annotated[SubscriberId | None, Query(description="Only what this trigger's transaction sent")]
ChannelsFilter = Annotated[str | None, Query(description="Comma-separated channels: notifications sent on any")]
UnsupportedFilter = Annotated[str | None, Query(description="Novu's filter, not Clarion's: given, a 422")]
TemplatesFilter = Annotated[str | None, Query(description="Comma-separated campaign ids: their notifications only")]
MessageIdPath = Annotated[ObjectId, Path(description="The message's id")]
TransactionIdPath = Annotated[SubscriberId, Path(description="The trigger's transactionId")]
NotificationIdPath = Annotated[SubscriberId, Path(description="The notification's `_id`, or its transactionId")]
NotificationIdQuery = Annotated[SubscriberId, Query(description="The notification's `_id`, or its transactionId")]
GraphDays = Annotated[int, Query(ge=1, le=MAX_GRAPH_DAYS, description="How many days before today")]
SubscriberIdQuery = Annotated[SubscriberId, Query(description="Your application's id for the subscriber")]


@endpoint(
    router,
    "GET /v1/messages",
    scope="list:message",
    rate=RouteClass.GLOBAL,
    summary="List messages, newest first, by channel, subscriber or transaction",
)
def list_messages(
    page: PageNumber = 0,
    limit: MessageLimit = 10,
    channel: ChannelFilter = None,
    subscriberId: SubscriberFilter = None,
    transactionId: TransactionFilter = None,
) -> NovuPage[ActivityMessage]:
    """Novu's page of messages, newest first, filtered by `channel`, `subscriberId` or `transactionId`, with
    `totalCount` (counted up to 100,000; up to 1,000 with a filter the indexes cannot apply). Each has its `status` and
    `errorText`: why it was not sent, or the last provider error while it is retried."""
    return service.list_messages(
        caller(router),
        page=page,
        limit=limit,
        channel=channel,
        subscriber_id=subscriberId,
        transaction_id=transactionId,
    )


@endpoint(
    router,
    "DELETE /v1/messages/{messageId}",
    scope="delete:message",
    rate=RouteClass.GLOBAL,
    summary="Delete a message (and its in-app copy)",
)
def delete_message(messageId: MessageIdPath) -> Envelope[DeletedMessage]:
    """Deletes the message and its in-app copy, which leaves the subscriber's feed; answers Novu's `{acknowledged: true,
    status: "deleted"}`. An unknown message, or another environment's, is a 404."""
    return Envelope(data=service.delete_message(caller(router), messageId))


@endpoint(
    router,
    "DELETE /v1/messages/transaction/{transactionId}",
    scope="delete:message",
    rate=RouteClass.GLOBAL,
    status_code=204,
    summary="Delete the messages a trigger's transaction sent (on one channel, with `channel`)",
)
def delete_transaction_messages(transactionId: TransactionIdPath, channel: ChannelFilter = None) -> Response[None]:
    """Deletes every message the transaction sent (only on `channel`, if given) with their in-app copies; a message
    still queued is never sent, and the notification stays, as in Novu. Cancel the trigger first to stop messages a
    fan-out still under way writes; a transaction without messages is a 404."""
    service.delete_transaction_messages(caller(router), transactionId, channel)
    return Response(204)


@endpoint(
    router,
    "GET /v1/notifications",
    scope="list:message",
    rate=RouteClass.GLOBAL,
    summary="The activity feed: notifications newest first, with their jobs",
)
def list_notifications(
    *,
    page: PageNumber = 0,
    limit: NotificationLimit = 10,
    channels: ChannelsFilter = None,
    templates: TemplatesFilter = None,
    transactionId: TransactionFilter = None,
    subscriberIds: UnsupportedFilter = None,
    emails: UnsupportedFilter = None,
    search: UnsupportedFilter = None,
) -> NovuPage[Notification]:
    """Novu's activity feed: the triggers (notifications), newest first, each with its messages (`jobs`) and their
    execution details, filtered by `channels`, `templates` or `transactionId`. Novu's `subscriberIds`, `emails` and
    `search` filters are a 422 naming the field rather than ignored: list a subscriber's messages with `GET
    /v1/messages?subscriberId=`."""
    for field, value in (("subscriberIds", subscriberIds), ("emails", emails), ("search", search)):
        if value:
            raise ValidationFailed(
                f"{field} is not a filter of the activity feed (a notification is one trigger, for any number of "
                "subscribers): list a subscriber's messages with GET /v1/messages?subscriberId=",
                field=field,
            )
    return service.list_notifications(
        caller(router),
        page=page,
        limit=limit,
        channels=comma_separated(channels, field="channels", allowed=CHANNELS),
        templates=comma_separated(templates, field="templates"),
        transaction_id=transactionId,
    )


@endpoint(
    router,
    "GET /v1/notifications/stats",
    scope="list:message",
    rate=RouteClass.GLOBAL,
    summary="Notifications of the last week and month",
)
def notification_stats() -> Envelope[ActivityStats]:
    """How many notifications the environment had in the last 7 UTC days (`weeklySent`) and 30 (`monthlySent`)."""
    return Envelope(data=service.activity_stats(caller(router)))


@endpoint(
    router,
    "GET /v1/notifications/graph/stats",
    scope="list:message",
    rate=RouteClass.GLOBAL,
    summary="Notifications per day (Novu's activity graph), from the days housekeeping rolled up",
)
def notification_graph(days: GraphDays = GRAPH_DAYS) -> Envelope[list[ActivityGraphDay]]:
    """Novu's activity graph: one entry per UTC day of the last `days` (1-366, default 32) with notifications, oldest
    first, with the campaigns and channels used. Days are rolled up after they end, so today's notifications appear
    tomorrow."""
    return Envelope(data=analytics.activity_graph(caller(router), days))


@endpoint(
    router,
    "GET /v1/notifications/{notificationId}",
    scope="info:message",
    rate=RouteClass.GLOBAL,
    summary="One notification with its jobs",
)
def get_notification(notificationId: NotificationIdPath) -> Envelope[Notification]:
    """One trigger (found by its id or its transactionId) with its messages and their execution details. An unknown one,
    or another environment's, is a 404."""
    return Envelope(data=service.get_notification(caller(router), notificationId))


@endpoint(
    router,
    "GET /v1/execution-details",
    scope="info:message",
    rate=RouteClass.GLOBAL,
    summary="What happened to a notification's messages to a subscriber",
)
def list_execution_details(
    notificationId: NotificationIdQuery, subscriberId: SubscriberIdQuery
) -> Envelope[list[ExecutionDetail]]:
    """Every step of each message of the notification to the subscriber, in order: queued, sending, sent, failed,
    filtered, skipped or cancelled, with the reason. Each failed provider attempt of a failover is a detail of its
    own."""
    return Envelope(data=service.execution_details(caller(router), notificationId, subscriberId))


def comma_separated(value: str | None, *, field: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    """A comma-separated filter (API Gateway joins a repeated query parameter with commas) as a list."""
    entries = [entry.strip() for entry in (value or "").split(",") if entry.strip()]
    for entry in entries:
        valid = entry in allowed if allowed else len(entry) == 24 and all(c in "0123456789abcdef" for c in entry)
        if not valid:
            expected = f"one of {', '.join(allowed)}" if allowed else "a campaign id"
            raise ValidationFailed(f"'{entry}' is not {expected}", field=field, value=value)
    return entries
