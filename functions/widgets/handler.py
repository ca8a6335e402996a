"""The widgets function: Novu's v1 widget API, for a product's front end (browser or app) with a subscriber token."""

from clarion.api import create_app, http_handler
from widgets import widget_routes

app = create_app(widget_routes.router)
lambda_handler = http_handler(app)
