"""The lists function: lists (static sets of profiles) and their members."""

from clarion.api import create_app, http_handler
from lists import list_routes

app = create_app(list_routes.router)
lambda_handler = http_handler(app)
