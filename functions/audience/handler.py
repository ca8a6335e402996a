"""The audience function: the attribute and tag catalogues, attribute value counts and tag hits (seed 000)."""

from audience import attribute_routes, tag_routes
from clarion.api import create_app, http_handler

app = create_app(attribute_routes.router, tag_routes.router)
lambda_handler = http_handler(app)
