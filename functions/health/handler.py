"""The health function: Novu's health check, and API Gateway's $default route, so that a request no route serves
gets Clarion's error shape: a 404, or a 405 with Allow for a known path called with another method."""

from clarion.api import create_app, http_handler
from health import health_routes

app = create_app(health_routes.router)
lambda_handler = http_handler(app)
