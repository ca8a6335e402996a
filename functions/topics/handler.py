"""The topics function: topics and their subscribers (Novu v1)."""

from clarion.api import create_app, http_handler
from topics import topic_routes

app = create_app(topic_routes.router)
lambda_handler = http_handler(app)
