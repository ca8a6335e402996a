"""The activity function: messages, notifications and execution details (Novu v1), campaign and app analytics, and the
dead-letter queues."""

from activity import activity_routes, analytics_routes, dead_letter_routes
from clarion.api import create_app, http_handler

app = create_app(activity_routes.router, analytics_routes.router, dead_letter_routes.router)
lambda_handler = http_handler(app)
