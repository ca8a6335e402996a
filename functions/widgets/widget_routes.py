"""/v1/widgets: Novu's v1 widget API for browsers and apps. Public to the gateway (no client key): `initialize` checks
the application's `hmacHash` where its environment requires one and answers a subscriber token; every other route
reads only the data of the subscriber its `Authorization: Bearer <token>` names. Here: the session, the feed, its
counts and the organization; messages and preferences have their own modules."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, endpoint
from clarion.inbox import service as inbox
from clarion.inbox.models import FeedIdentifiers, Message, UnseenCount
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage
from clarion.organizations import service as organizations
from clarion.organizations.models import Organization
from clarion.widget import service as widget
from clarion.widget.models import Session, SessionRequest
from widgets.widget_access import REFUSED_TOKEN, add_preflights, subscriber, token_route

router = APIGatewayHttpRouter()
CountLimit = Annotated[int, Query(ge=1, le=100, description="Count no further than this")]
Feeds = Annotated[FeedIdentifiers | None, Query(description="Only the messages of these feeds (comma-separated)")]


@endpoint(
    router,
    "POST /v1/widgets/session/initialize",
    scope=None,
    public="applicationIdentifier, and hmacHash of the subscriberId where the environment requires it",
    rate=RouteClass.WIDGET_SESSION,
    status_code=201,
    responses=REFUSED_TOKEN,
    summary="Start a widget session: a subscriber token for one subscriber",
)
def initialize_session(body: SessionRequest) -> Envelope[Session]:
    """Creates the subscriber if the environment does not have it yet, and answers a token that reads and changes only
    that subscriber's feed and preferences for an hour."""
    return Envelope(data=widget.initialize(body))


@token_route(router, "GET /v1/widgets/notifications/feed", summary="The subscriber's feed")
def get_feed(
    *,
    page: PageNumber = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Messages per page")] = 10,
    read: Annotated[bool | None, Query(description="Only read (true) or unread (false) messages")] = None,
    seen: Annotated[bool | None, Query(description="Only seen (true) or unseen (false) messages")] = None,
    payload: Annotated[
        str | None, Query(max_length=4096, description="Base64 of a JSON object the message payload must contain")
    ] = None,
    feedIdentifier: Feeds = None,
) -> NovuPage[Message]:
    """A page of the token's subscriber's in-app messages, newest first."""
    caller, subscriber_id = subscriber(router)
    return inbox.feed(
        caller,
        subscriber_id,
        page=page,
        limit=limit,
        read=read,
        seen=seen,
        payload=payload,
        feed_identifiers=feedIdentifier,
    )


@token_route(router, "GET /v1/widgets/notifications/unseen", summary="Count the subscriber's unseen messages")
def get_unseen_count(
    seen: Annotated[bool, Query(description="Count seen messages instead of unseen ones")] = False,
    limit: CountLimit = 100,
    feedIdentifier: Feeds = None,
) -> Envelope[UnseenCount]:
    """The badge count: the token's subscriber's unseen messages, up to `limit`."""
    return _count(seen=seen, read=None, limit=limit, feeds=feedIdentifier)


@token_route(router, "GET /v1/widgets/notifications/unread", summary="Count the subscriber's unread messages")
def get_unread_count(
    read: Annotated[bool, Query(description="Count read messages instead of unread ones")] = False,
    limit: CountLimit = 100,
    feedIdentifier: Feeds = None,
) -> Envelope[UnseenCount]:
    """The token's subscriber's unread messages, up to `limit`."""
    return _count(seen=None, read=read, limit=limit, feeds=feedIdentifier)


@token_route(router, "GET /v1/widgets/notifications/count", summary="Count the subscriber's messages by seen and read")
def get_count(
    seen: Annotated[bool | None, Query(description="Only seen (true) or unseen (false) messages")] = None,
    read: Annotated[bool | None, Query(description="Only read (true) or unread (false) messages")] = None,
    limit: CountLimit = 100,
    feedIdentifier: Feeds = None,
) -> Envelope[UnseenCount]:
    """The token's subscriber's messages matching both filters, up to `limit`; with neither, the unseen ones."""
    if seen is None and read is None:
        seen = False
    return _count(seen=seen, read=read, limit=limit, feeds=feedIdentifier)


def _count(*, seen: bool | None, read: bool | None, limit: int, feeds: FeedIdentifiers | None) -> Envelope[UnseenCount]:
    caller, subscriber_id = subscriber(router)
    return Envelope(data=inbox.count(caller, subscriber_id, seen=seen, read=read, limit=limit, feed_identifiers=feeds))


@token_route(
    router, "GET /v1/widgets/organization", summary="The organization's name and branding, for the widget's look"
)
def get_organization() -> Envelope[Organization]:
    """What the notification center styles itself with: the organization's name, logo and colours."""
    subscriber(router)
    return Envelope(data=organizations.get_organization())


add_preflights(router)
