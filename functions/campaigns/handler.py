"""The campaigns function: campaigns (their audience, steps and templates), the campaign operations (send, execute,
start, stop, schedule, expire and remove inbox, cancel journey), preview and runs."""

from campaigns import (
    campaign_routes,
    journey_routes,
    operation_routes,
    preview_routes,
    schedule_routes,
)
from clarion.api import create_app, http_handler

app = create_app(
    campaign_routes.router,
    operation_routes.router,
    schedule_routes.router,
    preview_routes.router,
    journey_routes.router,
)
lambda_handler = http_handler(app)
