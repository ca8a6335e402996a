"""The layouts function: email layouts (Novu v1) that wrap email content through their body placeholder, and
named in-app feeds."""

from clarion.api import create_app, http_handler
from layouts import feed_routes, layout_routes

app = create_app(layout_routes.router, feed_routes.router)
lambda_handler = http_handler(app)
