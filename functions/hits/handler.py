"""The hits function: a subscriber's events, which resume journey runs waiting for them, tag hits, push actions, app
sessions and locations."""

from clarion.api import create_app, http_handler
from hits import hit_routes

app = create_app(hit_routes.router)
lambda_handler = http_handler(app)
