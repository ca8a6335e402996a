"""The campaigns function: campaigns (their audience, steps and templates), Novu v1 workflows and workflow groups,
the campaign operations (send, execute, start, stop, schedule, expire and remove inbox, cancel journey), preview
and runs, and the changes that promote campaigns and layouts between environments."""

from campaigns import (
    campaign_routes,
    change_routes,
    journey_routes,
    operation_routes,
    preview_routes,
    schedule_routes,
    workflow_group_routes,
    workflow_routes,
)
from clarion.api import create_app, http_handler

app = create_app(
    campaign_routes.router,
    operation_routes.router,
    schedule_routes.router,
    preview_routes.router,
    journey_routes.router,
    workflow_routes.router,
    workflow_group_routes.router,
    change_routes.router,
)
lambda_handler = http_handler(app)
