"""The triggers function: accepts triggers and queues their dispatch (the client campaign trigger, Novu's events)."""

from clarion.api import create_app, http_handler
from triggers import trigger_routes

app = create_app(trigger_routes.router)
lambda_handler = http_handler(app)
