"""The tenants function: Novu v1's tenants and the workflow overrides a tenant sets."""

from clarion.api import create_app, http_handler
from tenants import override_routes, tenant_routes

app = create_app(tenant_routes.router, override_routes.router)
lambda_handler = http_handler(app)
