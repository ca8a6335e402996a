"""The activity function: messages, notifications and execution details (Novu v1)."""

from activity import activity_routes
from clarion.api import create_app, http_handler

app = create_app(activity_routes.router)
lambda_handler = http_handler(app)
