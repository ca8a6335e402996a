"""The topics function: topics and their subscribers (Novu v1), and sports-updates subscriptions (topics too)."""

from clarion.api import create_app, http_handler
from topics import sports_routes, topic_routes

app = create_app(topic_routes.router, sports_routes.router)
lambda_handler = http_handler(app)
