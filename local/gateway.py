"""API Gateway HTTP API emulation: routes and the Lambda REQUEST authorizer from the template, payload v2."""

from __future__ import annotations

import base64
import fnmatch
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from local.clock import Clock
from local.events import HttpRequest, authorizer_event, http_api_event, lower_headers, request_id
from local.functions import FunctionRegistry, LambdaError
from local.intrinsics import Resolver, api_id
from local.template import AuthorizerSpec, Route, SamTemplate

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 10 * 1024 * 1024
JSON = {"content-type": "application/json"}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    cookies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


def message(status: int, text: str) -> Response:
    return Response(status, dict(JSON), json.dumps({"message": text}).encode())


@dataclass(frozen=True)
class _Decision:
    allowed: bool
    context: dict[str, Any]


class Gateway:
    def __init__(
        self,
        template: SamTemplate,
        resolver: Resolver,
        registry: FunctionRegistry,
        clock: Clock,
        pages: Callable[[HttpRequest], Response | None] | None = None,
    ) -> None:
        self.template = template
        self.resolver = resolver
        self.registry = registry
        self.clock = clock
        self.pages = pages
        """Pages served outside the template's routes (the API docs, the outbox): request -> Response, or None."""
        self.routes = [(route, _rank(route)) for route in template.routes]
        self._cache: dict[tuple[Any, ...], tuple[float, _Decision]] = {}
        self._cache_lock = threading.Lock()

    def reset_caches(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        candidates: list[tuple[tuple[int, ...], int, Route, dict[str, str]]] = []
        for route, rank in self.routes:
            if route.path == "$default":
                candidates.append(((3,), 1, route, {}))
            elif route.method in (method, "ANY") and (params := _match_path(route.path, path)) is not None:
                candidates.append((rank, 0 if route.method == method else 1, route, params))
        if not candidates:
            return None
        _, _, route, params = min(candidates, key=lambda candidate: (candidate[0], candidate[1]))
        return route, params

    def request(
        self,
        method: str,
        path_with_query: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        body: bytes | str | None = None,
        *,
        source_ip: str = "127.0.0.1",
        protocol: str = "HTTP/1.1",
    ) -> Response:
        pairs = headers.items() if isinstance(headers, Mapping) else (headers or [])
        raw = body.encode() if isinstance(body, str) else body
        path, _, query = path_with_query.partition("?")
        request = HttpRequest(
            method=method.upper(),
            raw_path=unquote(path) or "/",
            raw_query=query,
            headers=lower_headers(pairs),
            body=raw,
            source_ip=source_ip,
            protocol=protocol,
            request_id=request_id(),
            received=self.clock.now(),
        )
        response = self._handle(request)
        response.headers.setdefault("apigw-requestid", request.request_id)
        return response

    def _handle(self, request: HttpRequest) -> Response:
        if request.body is not None and len(request.body) > MAX_BODY_BYTES:
            return message(413, "Request Entity Too Large")
        if self.pages is not None and (page := self.pages(request)):
            return page
        matched = self.match(request.method, request.raw_path)
        if matched is None:
            return message(404, "Not Found")
        route, params = matched
        context = None
        authorizer = self.template.authorizer_for(route)
        if authorizer is not None:
            outcome = self._authorize(authorizer, route, params, request)
            if isinstance(outcome, Response):
                return outcome
            context = outcome.context
        event = http_api_event(
            request,
            route_key=route.route_key,
            path_parameters=params,
            api_id=api_id(route.api_id),
            account_id=self.resolver.account_id,
            domain=self._domain(route, request),
            authorizer_context=context,
        )
        try:
            result = self.registry.invoke(route.function_id, event)
        except LambdaError:
            return message(500, "Internal Server Error")
        return _integration_response(result)

    def _domain(self, route: Route, request: HttpRequest) -> str:
        default = f"{api_id(route.api_id)}.execute-api.{self.resolver.region}.amazonaws.com"
        return request.headers.get("host", default)

    def _authorize(
        self, spec: AuthorizerSpec, route: Route, params: dict[str, str], request: HttpRequest
    ) -> _Decision | Response:
        identity = [_identity_value(source, route, request) for source in spec.identity_sources]
        if any(not value for value in identity):
            return message(401, "Unauthorized")
        key = (spec.api_id, spec.name, *identity)
        # without identity sources API Gateway cannot key a cached decision, so it caches none
        ttl = int(self.resolver.resolve(spec.reauthorize_every)) if spec.identity_sources else 0
        now = self.clock.monotonic()
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            decision = cached[1]
        else:
            route_arn = (
                f"arn:aws:execute-api:{self.resolver.region}:{self.resolver.account_id}:"
                f"{api_id(route.api_id)}/$default/{request.method}{request.raw_path}"
            )
            event = authorizer_event(
                request,
                route_key=route.route_key,
                route_arn=route_arn,
                identity_source=[str(value) for value in identity],
                path_parameters=params,
                api_id=api_id(route.api_id),
                account_id=self.resolver.account_id,
                domain=self._domain(route, request),
            )
            try:
                decision = _decision(self.registry.invoke(spec.function_id, event), spec, route_arn)
            except (LambdaError, ValueError) as error:
                log.error("authorizer %s failed: %s", spec.name, error)
                return message(500, "Internal Server Error")
            if ttl > 0:
                with self._cache_lock:
                    self._cache[key] = (now + ttl, decision)
        return decision if decision.allowed else message(403, "Forbidden")


def _identity_value(source: str, route: Route, request: HttpRequest) -> str | None:
    if source.startswith("$request.header."):
        return request.headers.get(source.removeprefix("$request.header.").lower())
    if source.startswith("$request.querystring."):
        name = source.removeprefix("$request.querystring.")
        values = parse_qs(request.raw_query, keep_blank_values=True).get(name)
        return ",".join(values) if values else None
    if source == "$context.routeKey":
        return route.route_key
    if source == "$context.httpMethod":
        return request.method
    return None


def _decision(result: Any, spec: AuthorizerSpec, route_arn: str) -> _Decision:
    if not isinstance(result, dict):
        raise ValueError(f"authorizer response is not an object: {result!r}")
    context = result.get("context") or {}
    if spec.enable_simple_responses:
        if not isinstance(result.get("isAuthorized"), bool):
            raise ValueError(f"simple response without a boolean isAuthorized: {result!r}")
        return _Decision(result["isAuthorized"], context)
    statements = (result.get("policyDocument") or {}).get("Statement") or []
    matching = [s for s in statements if any(_arn_matches(r, route_arn) for r in _as_list(s.get("Resource")))]
    allowed = any(s.get("Effect") == "Allow" for s in matching) and not any(s.get("Effect") == "Deny" for s in matching)
    return _Decision(allowed, context)


def _as_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _arn_matches(pattern: str, arn: str) -> bool:
    return fnmatch.fnmatchcase(arn, pattern)


def _integration_response(result: Any) -> Response:
    """Payload format 2.0: a response with statusCode is used as is; anything else is a 200 JSON body."""
    if not (isinstance(result, dict) and "statusCode" in result):
        body = result if isinstance(result, str) else json.dumps(result)
        return Response(200, dict(JSON), body.encode())
    try:
        status = int(result["statusCode"])
        headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[str(name).lower()] = ", ".join(str(value) for value in values)
        body = result.get("body") or ""
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
        cookies = [str(cookie) for cookie in result.get("cookies") or []]
    except (TypeError, ValueError, AttributeError):
        log.exception("malformed Lambda proxy response: %r", result)
        return message(500, "Internal Server Error")
    return Response(status, headers, raw, cookies)


def _rank(route: Route) -> tuple[int, ...]:
    return tuple(2 if part.endswith("+}") else 1 if part.startswith("{") else 0 for part in _segments(route.path))


def _segments(path: str) -> list[str]:
    return path.removeprefix("/").split("/")


def _match_path(template_path: str, path: str) -> dict[str, str] | None:
    expected, actual = _segments(template_path), _segments(path)
    params: dict[str, str] = {}
    for index, part in enumerate(expected):
        if part.startswith("{") and part.endswith("+}"):
            rest = "/".join(actual[index:])
            if not rest:
                return None
            params[part[1:-2]] = rest
            return params
        if index >= len(actual):
            return None
        if part.startswith("{") and part.endswith("}"):
            if not actual[index]:
                return None
            params[part[1:-1]] = actual[index]
        elif part != actual[index]:
            return None
    return params if len(expected) == len(actual) else None
