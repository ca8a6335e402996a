"""The integrations function: provider integrations (Novu v1), their conditions and credentials."""

from clarion.api import create_app, http_handler
from integrations import integration_routes

app = create_app(integration_routes.router)
lambda_handler = http_handler(app)
