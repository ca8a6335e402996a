"""The HTTP plumbing every API function shares: the resolver, scoped routes, the caller, the error shape."""

import json
import re
import traceback
from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.errors import ClarionError, Unauthorized
from clarion.ids import utc_now
from clarion.limits import body_bytes, body_limit, is_bulk, take_tokens
from clarion.models import Cursor, Model, SubscriberId
from clarion.principal import Principal
from clarion.scopes import PUBLIC_ROUTES, ROUTE_SCOPES

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
    for status in (401, 403, 404, 409, 413, 422, 429)
}


def endpoint(router: APIGatewayHttpRouter, route_key: str, *, status_code: int = 200, summary: str) -> Callable[[F], F]:
    """Registers a route by its API Gateway route key; its OpenAPI security names the scope ROUTE_SCOPES gives it
    (none for a route of PUBLIC_ROUTES, which authenticates its caller itself)."""
    method, path = route_key.split(" ", 1)
    if route_key in PUBLIC_ROUTES:
        security: list[dict[str, list[str]]] = []
        errors = {status: response for status, response in _ERRORS.items() if status != 401}
    else:
        security, errors = [{SECURITY_SCHEME: [ROUTE_SCOPES[route_key]]}], _ERRORS
    return router.route(
        re.sub(r"\{(\w+)\}", r"<\1>", path),
        method,
        summary=summary,
        status_code=status_code,
        security=security,
        responses={status_code: _success(status_code), **errors},
    )


def _success(status_code: int) -> OpenAPIResponse:
    response: OpenAPIResponse = {"description": HTTPStatus(status_code).phrase}
    if status_code in (204, 302):  # no body: Powertools would otherwise document the handler's return as JSON
        response["content"] = {}
    return response


def create_app(*routers: APIGatewayHttpRouter) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    for router in routers:
        app.include_router(router)
    _register_error_handlers(app)
    return app


def http_handler(app: APIGatewayHttpResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
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


def guarded_resolve(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """`app.resolve`, after the limits every call passes first: a body over its route's size is a 413 before anything
    parses it; a client key over its rate limit is a 429. Answers carry the caller's RateLimit-* headers."""
    route_key, path = event.get("routeKey", ""), event.get("rawPath", "")
    body = body_bytes(event)
    if len(body) > (limit := body_limit(route_key)):
        message = f"body is {len(body)} bytes; at most {limit} are accepted"
        return proxy_error(413, message, path, {"body": FieldError(messages=[message])})
    caller_context = ((event.get("requestContext") or {}).get("authorizer") or {}).get("lambda") or {}
    decision = None
    if "clientId" in caller_context and "environmentId" in caller_context:
        principal = Principal.from_context(caller_context)
        own_limits = dict(principal.rate_limits)
        decision = take_tokens(principal.environment_id, principal.client_id, route_key, body, own_limits)
    if decision is not None and not decision.allowed:
        logger.info("rate limited", extra={"rateLimitClass": str(decision.policy.route_class), "cost": decision.cost})
        return proxy_error(429, "API rate limit exceeded", path, headers=decision.headers(bulk=is_bulk(route_key)))
    result: dict[str, Any] = app.resolve(event, context) if _is_utf8(body) else _not_json(path)
    if decision is not None:
        result["headers"] = (result.get("headers") or {}) | decision.headers(bulk=is_bulk(route_key))
    return result


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True


def _not_json(path: str) -> dict[str, Any]:
    """What an undecodable body gets: Powertools decodes every body as UTF-8 before parsing it, and would fail."""
    message = "body is not valid JSON"
    return proxy_error(422, message, path, {"body": FieldError(messages=[message])})


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


def error_response(status: int, message: str, path: str, errors: dict[str, FieldError] | None = None) -> Response:
    return Response(status, "application/json", _error_json(status, message, path, errors))


def proxy_error(
    status: int,
    message: str,
    path: str,
    errors: dict[str, FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An error answered before the resolver runs, as a Lambda proxy response."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": _error_json(status, message, path, errors),
        "isBase64Encoded": False,
    }


def _error_json(status: int, message: str, path: str, errors: dict[str, FieldError] | None) -> str:
    body = ErrorBody(
        statusCode=status,
        timestamp=utc_now(),
        path=path,
        error=HTTPStatus(status).phrase,
        message=message,
        errors=errors,
    )
    return body.model_dump_json(exclude_none=True)


def _field_name(location: tuple[Any, ...]) -> str:
    """`("body", "scopes", 2)` → `scopes[2]`; `("query", "limit")` → `limit`; `("body",)` → `body`."""
    name = ""
    for part in location[1:]:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or str(location[0])


def _short(value: Any) -> Any:
    text = json.dumps(value, default=str)
    return value if len(text) <= 120 else None


def _register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(ClarionError)
    def domain_error(error: ClarionError) -> Response:
        errors = {error.field: FieldError(messages=[error.message], value=_short(error.value))} if error.field else None
        return error_response(error.status, error.message, app.current_event.path, errors)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response:
        errors: dict[str, FieldError] = {}
        for detail in error.errors():
            if detail["type"] == "json_invalid":
                field, message = "body", "body is not valid JSON"
            else:
                field, message = _field_name(tuple(detail["loc"])), detail["msg"]
            entry = errors.setdefault(field, FieldError(messages=[], value=_short(detail.get("input"))))
            entry.messages.append(message)
        summary = "; ".join(f"{field}: {', '.join(entry.messages)}" for field, entry in errors.items())
        return error_response(422, summary, app.current_event.path, errors)

    @app.not_found
    def no_route(_: NotFoundError) -> Response:
        return error_response(404, "no such route", app.current_event.path)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        # a library's error text can quote what the request carried (an address, a token): its type and where it
        # was raised are logged; Clarion's own errors name fields, never values, so their text is logged too
        where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
        origin = f"{where[0].filename}:{where[0].lineno}" if where else ""
        own = type(error).__module__.startswith("clarion.")
        message = f"unhandled error: {error}" if own else "unhandled error"
        logger.error(message, extra={"error": type(error).__name__, "raisedAt": origin})
        return error_response(500, "internal error; the request id identifies it in the logs", app.current_event.path)
