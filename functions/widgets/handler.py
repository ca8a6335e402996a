"""The widgets function: Novu's v1 widget API, for a product's front end (browser or app) with a subscriber token.
Its answers carry CORS headers for the origins the caller's environment lists; no other function sends any."""

from typing import Any

from clarion.api import create_app, http_handler
from clarion.widget.service import cors_headers
from widgets import widget_message_routes, widget_preference_routes, widget_routes
from widgets.widget_access import application_identifier, caller_of

app = create_app(
    widget_routes.router, widget_message_routes.router, widget_preference_routes.router, public_caller=caller_of
)
_handle = http_handler(app)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = _handle(event, context)
    headers = event.get("headers") or {}
    if headers.get("origin") and not event.get("routeKey", "").startswith("OPTIONS "):
        identifier = application_identifier(event)
        allowed = cors_headers(headers["origin"], headers.get("authorization"), identifier)
        result["headers"] = (result.get("headers") or {}) | allowed
    return result
