"""/v1/widgets: Novu's v1 widget API for browsers and apps. Public to the gateway (no client key): `initialize` checks
the application's `hmacHash` where its environment requires one and answers a subscriber token; every other route
reads only the data of the subscriber its `Authorization: Bearer <token>` names."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, declared_routes, endpoint, error_responses
from clarion.inbox import service as inbox
from clarion.inbox.models import ActionRequest, ActionType, MarkAllRequest, MarkAsRequest, Message, UnseenCount
from clarion.models import Envelope, NovuPage, ObjectId
from clarion.principal import Principal
from clarion.widget import service as widget
from clarion.widget.models import Session, SessionRequest

router = APIGatewayHttpRouter()
_REFUSED_TOKEN = error_responses(401)
_TOKEN = "subscriber token: `Authorization: Bearer <token>` from POST /v1/widgets/session/initialize"


def _subscriber() -> tuple[Principal, str]:
    session = widget.session_of(router.current_event.headers.get("authorization"))
    return widget.subscriber_principal(session), session.subscriber_id


@endpoint(
    router,
    "POST /v1/widgets/session/initialize",
    scope=None,
    public="applicationIdentifier, and hmacHash of the subscriberId where the environment requires it",
    status_code=201,
    responses=_REFUSED_TOKEN,
    summary="Start a widget session: a subscriber token for one subscriber",
)
def initialize_session(body: SessionRequest) -> Envelope[Session]:
    """Called by a browser or app without a client key: `applicationIdentifier` is the environment's `identifier`, and
    `hmacHash` (or `subscriberHash`) the subscriberId's HMAC where the environment requires it (missing, a 401; wrong, a
    403). Answers a subscriber token valid for one hour and the profile; a subscriber that does not exist is created
    with the fields given."""
    return Envelope(data=widget.initialize(body))


@endpoint(
    router,
    "GET /v1/widgets/notifications/feed",
    scope=None,
    public=_TOKEN,
    responses=_REFUSED_TOKEN,
    summary="The subscriber's feed",
)
def get_feed(
    *,
    page: PageNumber = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Messages per page")] = 10,
    read: Annotated[bool | None, Query(description="Only read (true) or unread (false) messages")] = None,
    seen: Annotated[bool | None, Query(description="Only seen (true) or unseen (false) messages")] = None,
    payload: Annotated[
        str | None, Query(max_length=4096, description="Base64 of a JSON object the message payload must contain")
    ] = None,
) -> NovuPage[Message]:
    """The token's subscriber's in-app feed, newest first, as `GET /v1/subscribers/{subscriberId}/notifications/feed`
    answers it. A missing, forged or expired token is a 401 naming `authorization`."""
    caller, subscriber_id = _subscriber()
    return inbox.feed(caller, subscriber_id, page=page, limit=limit, read=read, seen=seen, payload=payload)


@endpoint(
    router,
    "GET /v1/widgets/notifications/unseen",
    scope=None,
    public=_TOKEN,
    responses=_REFUSED_TOKEN,
    summary="Count the subscriber's unseen messages",
)
def get_unseen_count(
    limit: Annotated[int, Query(ge=1, le=100, description="Count no further than this")] = 100,
) -> Envelope[UnseenCount]:
    """How many of the token's subscriber's in-app messages are unseen, counting no further than `limit`. A missing,
    forged or expired token is a 401."""
    caller, subscriber_id = _subscriber()
    return Envelope(data=inbox.unseen_count(caller, subscriber_id, seen=False, limit=limit))


@endpoint(
    router,
    "POST /v1/widgets/messages/markAs",
    scope=None,
    public=_TOKEN,
    responses=_REFUSED_TOKEN,
    status_code=201,
    summary="Mark the subscriber's messages as read, seen, unread or unseen",
)
def mark_messages(body: MarkAsRequest) -> Envelope[list[Message]]:
    """Marks the token's subscriber's messages; ids of another subscriber's messages change nothing and are left out of
    the answer. A missing, forged or expired token is a 401."""
    caller, subscriber_id = _subscriber()
    return Envelope(data=inbox.mark_as(caller, subscriber_id, body))


@endpoint(
    router,
    "POST /v1/widgets/messages/read",
    scope=None,
    public=_TOKEN,
    responses=_REFUSED_TOKEN,
    status_code=201,
    summary="Mark all the subscriber's messages as read",
)
def mark_all_read() -> Envelope[int]:
    """Marks every in-app message of the token's subscriber read and answers how many changed. A missing, forged or
    expired token is a 401."""
    caller, subscriber_id = _subscriber()
    return Envelope(data=inbox.mark_all(caller, subscriber_id, MarkAllRequest(markAs="read")))


@endpoint(
    router,
    "POST /v1/widgets/messages/seen",
    scope=None,
    public=_TOKEN,
    responses=_REFUSED_TOKEN,
    status_code=201,
    summary="Mark all the subscriber's messages as seen",
)
def mark_all_seen() -> Envelope[int]:
    """Marks every in-app message of the token's subscriber seen and answers how many changed. A missing, forged or
    expired token is a 401."""
    caller, subscriber_id = _subscriber()
    return Envelope(data=inbox.mark_all(caller, subscriber_id, MarkAllRequest(markAs="seen")))


@endpoint(
    router,
    "POST /v1/widgets/messages/{messageId}/actions/{type}",
    scope=None,
    public=_TOKEN,
    responses=_REFUSED_TOKEN,
    status_code=201,
    summary="Record the subscriber's answer to a message's button",
)
def act_on_message(
    messageId: Annotated[ObjectId, Path(description="The message's id")],
    type: Annotated[ActionType, Path(description="Which button: primary or secondary")],
    body: ActionRequest,
) -> Envelope[Message]:
    """Records the token's subscriber's answer to the message's primary or secondary button, as the client-key route
    does. A message that is not the subscriber's is a 404; a missing, forged or expired token a 401."""
    caller, subscriber_id = _subscriber()
    return Envelope(data=inbox.act(caller, subscriber_id, messageId, type, body))


def _preflight() -> Response[str]:
    """The browser asks before it sends `Authorization`: the same answer for every origin, since a preflight names no
    environment; the answer to the call itself carries the origin only where the environment lists it."""
    origin = router.current_event.headers.get("origin") or "*"
    headers = widget.PREFLIGHT_HEADERS | {"access-control-allow-origin": origin, "vary": "Origin"}
    return Response(status_code=204, headers=headers, body="")


def _preflight_of_a_message(
    messageId: Annotated[str, Path(description="The message's id")],
    type: Annotated[str, Path(description="Which button")],
) -> Response[str]:
    """The browser asks before it sends `Authorization`: the same 204 for every origin, since a preflight names no
    environment; the answer to the call itself carries the origin only where the environment lists it."""
    return _preflight()


for _route_key in [route.route_key for route in declared_routes(router)]:
    _path = _route_key.split(" ", 1)[1]
    endpoint(
        router,
        f"OPTIONS {_path}",
        scope=None,
        public="nothing: a CORS preflight",
        status_code=204,
        summary="CORS preflight of a widget route",
    )(_preflight_of_a_message if "{messageId}" in _path else _preflight)
