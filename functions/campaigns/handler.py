"""The campaigns function: campaigns, their audience, steps and templates (Novu v1 workflows)."""

from campaigns import campaign_routes
from clarion.api import create_app, http_handler

app = create_app(campaign_routes.router)
lambda_handler = http_handler(app)
