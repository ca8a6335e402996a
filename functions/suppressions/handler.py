"""The suppressions function: addresses never sent to, per channel."""

from clarion.api import create_app, http_handler
from suppressions import suppression_routes

app = create_app(suppression_routes.router)
lambda_handler = http_handler(app)
