"""The layouts function: email layouts (Novu v1) that wrap email content through their body placeholder, named
in-app feeds, and Novu's blueprint catalogue (Clarion has none)."""

from clarion.api import create_app, http_handler
from layouts import blueprint_routes, feed_routes, layout_routes

app = create_app(layout_routes.router, feed_routes.router, blueprint_routes.router)
lambda_handler = http_handler(app)
