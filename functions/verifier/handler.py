"""The verifier function: email addresses verified one at a time or as a list."""

from clarion.api import create_app, http_handler
from verifier import verifier_routes

app = create_app(verifier_routes.router)
lambda_handler = http_handler(app)
