"""Who calls a widget route (the subscriber its token names) and the CORS preflight every widget path answers."""

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PublicCaller, declared_routes, endpoint, error_responses
from clarion.limits import RouteClass, body_bytes
from clarion.principal import Principal
from clarion.widget import service as widget

REFUSED_TOKEN = error_responses(401)
SESSION_PATH = "/v1/widgets/session/initialize"
SESSION_BUCKETS = "widget-sessions"
"""The partition name the session buckets take where a subscriber's take its environment (no environment is known
before the session's identifier is looked up)."""
F = TypeVar("F", bound=Callable[..., Any])
TOKEN = "subscriber token: `Authorization: Bearer <token>` from POST /v1/widgets/session/initialize"


def token_route(
    router: APIGatewayHttpRouter, route_key: str, *, summary: str, status_code: int = 200
) -> Callable[[F], F]:
    """Registers a route that a subscriber token authenticates: public to the gateway, counted per subscriber, a 401
    for a missing, forged or expired token (`subscriber` reads it in the route's body)."""
    return endpoint(
        router,
        route_key,
        scope=None,
        public=TOKEN,
        rate=RouteClass.SUBSCRIBER,
        responses=REFUSED_TOKEN,
        status_code=status_code,
        summary=summary,
    )


def subscriber(router: APIGatewayHttpRouter) -> tuple[Principal, str]:
    """The principal and subscriberId of the request's subscriber token; 401 for none, a forged or expired one."""
    session = widget.session_of(router.current_event.headers.get("authorization"))
    return widget.subscriber_principal(session), session.subscriber_id


def caller_of(event: dict[str, Any]) -> PublicCaller | None:
    """The boundary's reading of a widget call (`create_app(public_caller=...)`), whose rate-limit buckets it spends:
    a token route's subscriber, checked before its body is parsed (a call without a valid token is a 401 whatever it
    carries); for a session, the application identifier and the source address, hashed (no address is stored)."""
    method, path = str(event.get("routeKey", " ")).split(" ", 1)
    if method == "OPTIONS":
        return None
    if path == SESSION_PATH:
        source = ((event.get("requestContext") or {}).get("http") or {}).get("sourceIp", "")
        seen = f"{application_identifier(event) or ''}\n{source}".encode()
        return PublicCaller(SESSION_BUCKETS, hashlib.sha256(seen).hexdigest()[:32])
    session = widget.session_of((event.get("headers") or {}).get("authorization"))
    return PublicCaller(session.environment_id, f"subscriber:{session.subscriber_id}")


def application_identifier(event: dict[str, Any]) -> str | None:
    """The `applicationIdentifier` of a session's body, if it has one (read before the body is checked)."""
    if event.get("routeKey") != f"POST {SESSION_PATH}":
        return None
    try:
        body = json.loads(body_bytes(event) or b"{}")
    except ValueError:
        return None
    identifier = body.get("applicationIdentifier") if isinstance(body, dict) else None
    return identifier if isinstance(identifier, str) else None


def add_preflights(router: APIGatewayHttpRouter) -> None:
    """Declares `OPTIONS` on each path the router's routes serve (once per path)."""
    paths = dict.fromkeys(route.route_key.split(" ", 1)[1] for route in declared_routes(router))
    for path in paths:
        handler = _PREFLIGHTS[tuple(part[1:-1] for part in path.split("/") if part.startswith("{"))](router)
        handler.__doc__ = _preflight.__doc__  # its OpenAPI description
        endpoint(
            router,
            f"OPTIONS {path}",
            scope=None,
            public="nothing: a CORS preflight",
            status_code=204,
            summary="CORS preflight of a widget route",
        )(handler)


def _preflight(router: APIGatewayHttpRouter) -> Response[str]:
    """The browser asks before it sends `Authorization`: the same answer for every origin, since a preflight names no
    environment; the answer to the call itself carries the origin only where the environment lists it."""
    origin = router.current_event.headers.get("origin") or "*"
    headers = widget.PREFLIGHT_HEADERS | {"access-control-allow-origin": origin, "vary": "Origin"}
    return Response(status_code=204, headers=headers, body="")


def _plain(router: APIGatewayHttpRouter) -> Callable[..., Any]:
    def preflight() -> Response[str]:
        return _preflight(router)

    return preflight


def _of_a_message(router: APIGatewayHttpRouter) -> Callable[..., Any]:
    def preflight(messageId: Annotated[str, Path(description="The message's id")]) -> Response[str]:
        return _preflight(router)

    return preflight


def _of_a_messages_button(router: APIGatewayHttpRouter) -> Callable[..., Any]:
    def preflight(
        messageId: Annotated[str, Path(description="The message's id")],
        type: Annotated[str, Path(description="Which button")],
    ) -> Response[str]:
        return _preflight(router)

    return preflight


def _of_a_preference(router: APIGatewayHttpRouter) -> Callable[..., Any]:
    def preflight(parameter: Annotated[str, Path(description="A level or a campaign's id")]) -> Response[str]:
        return _preflight(router)

    return preflight


# a preflight handler per set of path parameters: the resolver validates a handler's signature against its path
_PREFLIGHTS: dict[tuple[str, ...], Callable[[APIGatewayHttpRouter], Callable[..., Any]]] = {
    (): _plain,
    ("messageId",): _of_a_message,
    ("messageId", "type"): _of_a_messages_button,
    ("parameter",): _of_a_preference,
}
