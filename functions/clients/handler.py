"""The clients function: API clients, the scope catalogue, environments and the organization."""

from clarion.api import create_app, http_handler
from clients import client_routes, environment_routes, organization_routes, scope_routes

app = create_app(client_routes.router, scope_routes.router, environment_routes.router, organization_routes.router)
lambda_handler = http_handler(app)
