"""The integrations function: provider integrations (Novu v1), their conditions and credentials, and Novu's
inbound-parse status."""

from clarion.api import create_app, http_handler
from integrations import inbound_parse_routes, integration_routes

app = create_app(integration_routes.router, inbound_parse_routes.router)
lambda_handler = http_handler(app)
