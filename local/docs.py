"""The API docs: one OpenAPI document merged from every HTTP function's Powertools resolver, and Swagger UI."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi import swagger_ui
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, SecurityScheme
from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

from local.events import HttpRequest
from local.functions import FunctionRegistry
from local.gateway import Response
from local.template import SamTemplate

log = logging.getLogger(__name__)
TITLE = "Clarion API"
EVENTS = Path(__file__).resolve().parent.parent / "events"
_PARAMETER = re.compile(r"\{\w+\}")
SWAGGER_DIR = Path(swagger_ui.__file__).parent
DESCRIPTION = """\
Clarion's notification and engagement API, wire-compatible with Novu's v1 REST API.

**Authentication.** Every operation needs a client key, `Authorization: ApiKey <key>` (Novu's form) or
`Authorization: Bearer sk_...`, except the public ones, which have no lock here: the health check, the widget API
(its subscriber token) and chat OAuth (`hmacHash`, then a signed `state`). Each operation names the one scope its
key must hold (`GET /v1/scopes` lists them); no header is a 401, an unknown or revoked key a 403, and a key
without the scope a 403 naming it.

**Errors** have Novu's shape: `{"statusCode", "timestamp", "path", "error", "message", "requestId", "errors"}`,
`errors` naming each wrong field (`{"<field>": {"messages": [...], "value": ...}}`); `requestId` is also the
`apigw-requestid` header.

**Paging.** Clarion's lists take `limit` (1-100) and `cursor` and answer `{"data", "limit", "hasMore",
"nextCursor"}`; Novu's take `page` (from 0) and `limit` and answer `{"page", "pageSize", "totalCount", "hasMore",
"data"}`.

**Rate limits.** Each key has a token bucket per route class (trigger, configuration, global); over it, a 429 with
`Retry-After`.

**Idempotency.** The trigger operations (`/v1/events/trigger`, bulk, broadcast, cancel) take an
`Idempotency-Key` header: the same key and body answer the first answer again (`Idempotency-Replayed: true`) and
send nothing more.

Operations are grouped by resource.
"""
ASSETS = {
    "/docs/swagger-ui-bundle.min.js": ("swagger-ui-bundle.min.js", "text/javascript; charset=utf-8"),
    "/docs/swagger-ui.min.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
}


def openapi_document(template: SamTemplate, registry: FunctionRegistry, title: str = TITLE) -> dict[str, Any]:
    """Merge `app.get_openapi_json_schema()` of each function that serves HTTP API routes."""
    info = {"title": title, "version": "1.0.0", "description": DESCRIPTION}
    document: dict[str, Any] = {"openapi": "3.1.0", "info": info, "paths": {}}
    components: dict[str, dict[str, Any]] = {"schemas": {}, "securitySchemes": {}}
    for function_id in dict.fromkeys(route.function_id for route in template.routes):
        app = getattr(registry.module(function_id), "app", None)
        if app is None or not hasattr(app, "get_openapi_json_schema"):
            log.warning("%s has no module-level Powertools `app`: its routes are not documented", function_id)
            continue
        with registry.environment_of(function_id):
            schema = json.loads(
                app.get_openapi_json_schema(title=title, security_schemes=_missing_schemes(app, template))
            )
        document["openapi"] = schema.get("openapi", document["openapi"])
        document["info"]["version"] = schema.get("info", {}).get("version", "1.0.0")
        document.setdefault("servers", schema.get("servers"))
        for path, item in schema.get("paths", {}).items():
            document["paths"].setdefault(path, {}).update(item)
        for kind, merged in components.items():
            for name, value in schema.get("components", {}).get(kind, {}).items():
                if name in merged and merged[name] != value:
                    log.warning("OpenAPI %s %r differs between functions; keeping the first", kind, name)
                merged.setdefault(name, value)
    document["components"] = {kind: merged for kind, merged in components.items() if merged}
    attach_examples(document)
    return document


def attach_examples(document: dict[str, Any], events: Path = EVENTS) -> None:
    """Each sample HTTP API event of events/ (what `sam local invoke --event` takes) with a JSON body becomes a request
    example of the operation its `routeKey` names; a sample named `*invalid*` or `*malformed*` shows a refusal and is
    not an example."""
    operations = {
        (method.upper(), _PARAMETER.sub("{}", path)): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    for sample in sorted(events.glob("*/*.json")):
        if "invalid" in sample.stem or "malformed" in sample.stem:
            continue
        event = json.loads(sample.read_text())
        if not isinstance(event.get("routeKey"), str) or not isinstance(event.get("body"), str):
            continue
        method, _, path = event["routeKey"].partition(" ")
        content = operations.get((method, _PARAMETER.sub("{}", path)), {}).get("requestBody", {}).get("content", {})
        if "application/json" in content:
            examples = content["application/json"].setdefault("examples", {})
            examples[sample.stem] = {
                "summary": f"events/{sample.parent.name}/{sample.name}",
                "value": json.loads(event["body"]),
            }


def _missing_schemes(app: Any, template: SamTemplate) -> dict[str, SecurityScheme] | None:
    """Powertools refuses routes whose `security` names a scheme the app did not configure: describe
    those schemes from the template's authorizer (the header it reads)."""
    if app.openapi_config.security_schemes:
        return None
    routes = [*getattr(app, "_static_routes", []), *getattr(app, "_dynamic_routes", [])]
    names = {name for route in routes for requirement in route.security or [] for name in requirement}
    headers = [
        source.split(".", 2)[2]
        for spec in template.authorizers.values()
        for source in spec.identity_sources
        if source.startswith("$request.header.")
    ]
    if not names or not headers:
        return None
    description = "The header the API's Lambda authorizer reads"
    return {name: APIKey(name=headers[0], in_=APIKeyIn.header, description=description) for name in sorted(names)}


class DocsPages:
    """GET /docs (Swagger UI), /docs/openapi.json and the Swagger UI assets shipped with Powertools."""

    def __init__(self, build: Callable[[], dict[str, Any]]) -> None:
        self._build = build
        self._document: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def document(self) -> dict[str, Any]:
        with self._lock:
            if self._document is None:
                self._document = self._build()
            return self._document

    def __call__(self, request: HttpRequest) -> Response | None:
        method, path, query = request.method, request.raw_path, request.raw_query
        if method not in ("GET", "HEAD") or not (path == "/docs" or path.startswith("/docs/")):
            return None
        if path == "/docs/openapi.json" or (path == "/docs" and "format=json" in query):
            return Response(200, {"content-type": "application/json"}, json.dumps(self.document()).encode())
        if path in ("/docs", "/docs/"):
            html = generate_swagger_html(
                spec=json.dumps(self.document()),
                swagger_js="/docs/swagger-ui-bundle.min.js",
                swagger_css="/docs/swagger-ui.min.css",
                swagger_base_url="/docs",
                oauth2_config=None,
                persist_authorization=True,
            )
            return Response(200, {"content-type": "text/html; charset=utf-8"}, html.encode())
        if path in ASSETS:
            name, content_type = ASSETS[path]
            return Response(200, {"content-type": content_type}, (SWAGGER_DIR / name).read_bytes())
        return None
