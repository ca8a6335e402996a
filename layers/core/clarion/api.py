"""The HTTP plumbing every API function shares: the resolver, scoped routes, the caller, the error shape."""

import inspect
import json
import re
import traceback
from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated, Any, NamedTuple, TypeVar
from weakref import WeakKeyDictionary

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from clarion.clock import timestamp_now
from clarion.errors import ClarionError, Unauthorized
from clarion.http.body import BodyRefused, field_name, parse_body
from clarion.http.routing import DEFAULT_ROUTE, methods_at
from clarion.limits import KEY_CLASSES, RouteClass, body_bytes, body_limit, cost_of, is_bulk, take_tokens
from clarion.models import Cursor, Model, SubscriberId
from clarion.principal import Principal
from clarion.scopes import ROUTE_SCOPES

SECURITY_SCHEME = "clientKey"
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
PageCursor = Annotated[Cursor | None, Query(description="`nextCursor` of the previous page")]
PageNumber = Annotated[int, Query(ge=0, le=1_000_000, description="Page number, from 0 (Novu's offset paging)")]
SubscriberIdPath = Annotated[SubscriberId, Path(description="Your application's id for the subscriber")]
F = TypeVar("F", bound=Callable[..., Any])
logger = Logger(child=True)


class FieldError(Model):
    messages: list[str]
    value: Any = None


class ErrorBody(Model):
    """Novu's error shape; `errors` names each field that was wrong."""

    statusCode: int
    timestamp: str
    path: str
    error: str
    message: str
    requestId: str = Field(description="API Gateway's id of the request; the same id is in its log lines")
    errors: dict[str, FieldError] | None = None


class GatewayMessage(Model):
    """API Gateway's own refusals, before any function runs: no key, a denied key, no such route, a body over its
    10 MB, throttling."""

    message: str


_GATEWAY_STATUSES = (401, 403, 404, 413, 429)
_ERRORS: dict[int, OpenAPIResponse] = {
    status: {
        "description": HTTPStatus(status).phrase,
        "content": {
            "application/json": {"model": ErrorBody | GatewayMessage if status in _GATEWAY_STATUSES else ErrorBody}
        },
    }
    for status in (401, 403, 404, 409, 413, 415, 422, 429)
}


def error_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """The documented error answers of these statuses: for a public route whose own credential can be refused."""
    return {status: _ERRORS[status] for status in statuses}


class RouteDeclaration(NamedTuple):
    """A route as its function declares it: the key API Gateway routes by, the scope a client key needs and the
    rate-limit class its calls draw from, or, for a public route, what authenticates its caller instead of a key.
    `make routes` writes every declaration into clarion.route_table, which the authorizer reads."""

    route_key: str
    scope: str | None
    rate: RouteClass | None
    public: str | None = None


_DECLARED: WeakKeyDictionary[APIGatewayHttpRouter, list[RouteDeclaration]] = WeakKeyDictionary()


def declared_routes(router: APIGatewayHttpRouter) -> list[RouteDeclaration]:
    """The routes declared on `router`, in the order its module declares them."""
    return list(_DECLARED.get(router, []))


def endpoint(
    router: APIGatewayHttpRouter,
    route_key: str,
    *,
    scope: str | None,
    rate: RouteClass | None = None,
    public: str | None = None,
    status_code: int = 200,
    summary: str,
    responses: dict[int, OpenAPIResponse] | None = None,
) -> Callable[[F], F]:
    """Registers a route by its API Gateway route key, with the scope a client key needs to call it and its
    rate-limit class; a public route (`scope=None`) says instead what authenticates its caller, and may have a class
    counted per the caller its function reads (`create_app(public_caller=...)`). Its OpenAPI security names the
    scope, its tag the resource of its path (`tag_of`), and its description is the handler's docstring."""
    _declare(router, RouteDeclaration(route_key, scope, rate, public))
    method, path = route_key.split(" ", 1)
    if scope is None:
        security: list[dict[str, list[str]]] = []
        errors = {status: response for status, response in _ERRORS.items() if status != 401}
    else:
        security, errors = [{SECURITY_SCHEME: [scope]}], _ERRORS

    def register(handler: F) -> F:
        route = router.route(
            re.sub(r"\{(\w+)\}", r"<\1>", path),
            method,
            summary=summary,
            description=inspect.getdoc(handler),
            tags=[tag_of(path)],
            status_code=status_code,
            security=security,
            responses={status_code: _success(status_code), **errors, **(responses or {})},
        )
        return route(handler)

    return register


_RESOURCE = re.compile(r"^/(?:v1|api/client)/([^/{]+)")


def tag_of(path: str) -> str:
    """The OpenAPI tag of a route: the resource its path names after the version prefix, as a heading
    (`/v1/notification-templates/{id}` -> "Notification templates", `/api/client/campaigns/...` -> "Campaigns")."""
    matched = _RESOURCE.match(path)
    resource = matched.group(1) if matched else path.strip("/").split("/", 1)[0]
    return resource.replace("-", " ").capitalize()


def default_route(router: APIGatewayHttpRouter, *, public: str) -> None:
    """Declares API Gateway's $default route on `router`'s function: what no other route matches reaches it, and
    the not-found handler every app has answers it (a 404, or a 405 with Allow)."""
    _declare(router, RouteDeclaration(DEFAULT_ROUTE, None, None, public))


def _declare(router: APIGatewayHttpRouter, route: RouteDeclaration) -> None:
    if (route.scope is None) == (route.public is None):
        raise TypeError(f"{route.route_key}: a route needs a scope, or is public and says what authenticates it")
    if route.scope is not None and route.rate not in KEY_CLASSES:
        raise TypeError(f"{route.route_key}: a route with a scope has a client key's rate-limit class")
    if route.scope is None and route.rate in KEY_CLASSES:
        raise TypeError(f"{route.route_key}: a public route is counted per its caller, not in a client key's class")
    _DECLARED.setdefault(router, []).append(route)


def _success(status_code: int) -> OpenAPIResponse:
    response: OpenAPIResponse = {"description": HTTPStatus(status_code).phrase}
    if status_code in (204, 302):  # no body: Powertools would otherwise document the handler's return as JSON
        response["content"] = {}
    return response


class PublicCaller(NamedTuple):
    """Who calls a public route, as its function tells from the request (a subscriber token, an application and an
    address): the rate-limit buckets it spends, in an environment's partition, as a client key spends its own."""

    environment_id: str
    bucket: str


PublicCallerOf = Callable[[dict[str, Any]], PublicCaller | None]
"""A function's reading of a public route's caller from the event; None for a route nobody is counted for, a
ClarionError (401) for a caller that cannot be told."""


class Resolver(APIGatewayHttpResolver):
    """A path parameter is one segment of any characters, as API Gateway matches it. Powertools' own pattern takes
    word characters and some punctuation only, so a subscriber whose id holds `?`, `"` or an emoji would be created
    and then be unreachable. The body is the one the boundary parsed (`parsed_body`), not parsed a second time."""

    def __init__(self) -> None:
        super().__init__(enable_validation=True, json_body_deserializer=lambda _text: self.parsed_body)
        self.parsed_body: Any = None
        self.public_caller: PublicCallerOf | None = None

    @staticmethod
    def _compile_regex(rule: str, base_regex: str = "^{}$") -> re.Pattern[str]:
        return re.compile(base_regex.format(re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", rule)))


def create_app(*routers: APIGatewayHttpRouter, public_caller: PublicCallerOf | None = None) -> Resolver:
    """The function's resolver; `public_caller` reads who calls its public routes, before the body is parsed."""
    app = Resolver()
    app.public_caller = public_caller
    for router in routers:
        app.include_router(router)
    _register_error_handlers(app)
    return app


def http_handler(app: Resolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda handler of an API function: Powertools logging (correlated by request id), tracing and metrics
    around `app`."""
    from aws_lambda_powertools import Metrics, Tracer  # noqa: PLC0415 - only handlers need them
    from aws_lambda_powertools.logging import correlation_paths  # noqa: PLC0415

    service_logger, tracer, metrics = Logger(), Tracer(), Metrics()  # the function's own: modules log as its children

    @service_logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        result = guarded_resolve(app, event, context)
        if result.get("statusCode") in (413, 429):  # refused by the limits: what an operator alarms on
            metrics.add_metric(name=f"Refused{result['statusCode']}", unit="Count", value=1)
        return result

    return lambda_handler


def guarded_resolve(app: Resolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """`app.resolve`, after the checks every call passes first, in this order: a body over its route's size is a 413
    before anything parses it; a key without the route's scope is a 403 naming the scope; a client key over its rate
    limit is a 429, whatever its body; a body that is not JSON every layer can hold is a 415 or a 422 naming the
    field. Answers to a client key, or to a public route's counted caller, carry its RateLimit-* headers."""
    route_key, path = event.get("routeKey", ""), event.get("rawPath", "")
    request_id = str((event.get("requestContext") or {}).get("requestId", ""))
    body = body_bytes(event)
    if len(body) > (limit := body_limit(route_key)):
        message = f"body is {len(body)} bytes; at most {limit} are accepted"
        return proxy_error(413, message, path, request_id, errors={"body": FieldError(messages=[message])})
    caller_context = ((event.get("requestContext") or {}).get("authorizer") or {}).get("lambda") or {}
    has_principal = "clientId" in caller_context and "environmentId" in caller_context
    principal = Principal.from_context(caller_context) if has_principal else None
    if principal is not None and (scope := ROUTE_SCOPES.get(route_key)) and not principal.can(scope):
        missing = FieldError(messages=["is not among this key's scopes"], value=scope)
        return proxy_error(403, f"this key lacks the scope {scope}", path, request_id, errors={"scope": missing})
    public = None
    if principal is None and app.public_caller is not None:
        try:
            public = app.public_caller(event)
        except ClarionError as error:  # a public route's caller that cannot be told (no token): before the body
            errors = {error.field: FieldError(messages=[error.message])} if error.field else None
            return proxy_error(int(error.status), error.message, path, request_id, errors=errors)
    headers = event.get("headers") or {}
    try:
        parsed, refused = parse_body(body, headers.get("content-type")), None
    except BodyRefused as refusal:
        parsed, refused = None, refusal
    decision = None
    if principal is not None:
        decision = take_tokens(
            principal.environment_id,
            principal.client_id,
            route_key,
            cost_of(route_key, parsed),
            dict(principal.rate_limits),
        )
    elif public is not None:
        decision = take_tokens(public.environment_id, public.bucket, route_key, cost_of(route_key, parsed), {})
    rate_headers = decision.headers(bulk=is_bulk(route_key)) if decision is not None else {}
    if decision is not None and not decision.allowed:
        logger.info("rate limited", extra={"rateLimitClass": str(decision.policy.route_class), "cost": decision.cost})
        return proxy_error(429, "API rate limit exceeded", path, request_id, headers=rate_headers)
    if refused is not None:
        message, errors = f"{refused.field}: {refused.message}", {refused.field: FieldError(messages=[refused.message])}
        return proxy_error(refused.status, message, path, request_id, errors=errors, headers=rate_headers)
    if body:  # any JSON media type reaches the resolver as the one it parses
        event["headers"] = {**headers, "content-type": "application/json"}
    app.parsed_body = parsed
    result: dict[str, Any] = app.resolve(event, context)
    result["headers"] = (result.get("headers") or {}) | rate_headers
    return result


def openapi_document(app: APIGatewayHttpResolver, title: str) -> dict[str, Any]:
    """The function's OpenAPI document, generated from its routes; built on demand, never at cold start."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn  # noqa: PLC0415 - ~160 ms

    scheme = APIKey(name="Authorization", in_=APIKeyIn.header, description="`Bearer sk_...` or `ApiKey sk_...`")
    document: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(title=title, version="1.0.0", security_schemes={SECURITY_SCHEME: scheme})
    )
    return document


def caller(router: APIGatewayHttpRouter) -> Principal:
    """The principal the authorizer passed on; handlers never parse keys."""
    context = router.current_event.request_context.authorizer.get_lambda or {}
    if "environmentId" not in context:
        raise Unauthorized("no authorizer context")
    return Principal.from_context(context)


def error_response(
    app: APIGatewayHttpResolver,
    status: int,
    message: str,
    errors: dict[str, FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    event = app.current_event
    body = _error_json(status, message, event.path, event.request_context.request_id, errors)
    return Response(status, "application/json", body, headers=headers)


def proxy_error(
    status: int,
    message: str,
    path: str,
    request_id: str,
    *,
    errors: dict[str, FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An error answered before the resolver runs, as a Lambda proxy response."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": _error_json(status, message, path, request_id, errors),
        "isBase64Encoded": False,
    }


def _error_json(status: int, message: str, path: str, request_id: str, errors: dict[str, FieldError] | None) -> str:
    if status < 500:  # its status only: field names and values come from the body, which may carry personal data
        logger.info("request refused", extra={"status": status})
    body = ErrorBody(
        statusCode=status,
        timestamp=timestamp_now(),
        path=path,
        error=HTTPStatus(status).phrase,
        message=message,
        requestId=request_id,
        errors=errors,
    )
    return body.model_dump_json(exclude_none=True)


def _short(value: Any) -> Any:
    text = json.dumps(value, default=str)
    return value if len(text) <= 120 else None


def _register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(ClarionError)
    def domain_error(error: ClarionError) -> Response:
        errors = {error.field: FieldError(messages=[error.message], value=_short(error.value))} if error.field else None
        retry_after = getattr(error, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return error_response(app, error.status, error.message, errors, headers)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response:
        errors: dict[str, FieldError] = {}
        for detail in error.errors():
            if detail["type"] == "json_invalid":
                field, message = "body", "body is not valid JSON"
            else:
                location = tuple(detail["loc"])
                field, message = field_name(location[1:]) if len(location) > 1 else str(location[0]), detail["msg"]
            entry = errors.setdefault(field, FieldError(messages=[], value=_short(detail.get("input"))))
            entry.messages.append(message)
        summary = "; ".join(f"{field}: {', '.join(entry.messages)}" for field, entry in errors.items())
        return error_response(app, 422, summary, errors)

    @app.not_found
    def no_route(_: NotFoundError) -> Response:
        """Reached through API Gateway's $default route: a known path with another method is a 405."""
        event = app.current_event
        methods = methods_at(event.path)
        if not methods:
            return error_response(app, 404, "no such route")
        message = f"{event.http_method} is not allowed here; use {', '.join(methods)}"
        return error_response(app, 405, message, headers={"Allow": ", ".join(methods)})

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        # a library's error text can quote what the request carried (an address, a token): its type and where it
        # was raised are logged; Clarion's own errors name fields, never values, so their text is logged too
        where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
        origin = f"{where[0].filename}:{where[0].lineno}" if where else ""
        own = type(error).__module__.startswith("clarion.")
        message = f"unhandled error: {error}" if own else "unhandled error"
        logger.error(message, extra={"error": type(error).__name__, "raisedAt": origin})
        return error_response(app, 500, "internal error; the request id identifies it in the logs")
