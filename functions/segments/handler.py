"""The segments function: rule trees over profiles, their counts and previews."""

from clarion.api import create_app, http_handler
from segments import segment_routes

app = create_app(segment_routes.router)
lambda_handler = http_handler(app)
