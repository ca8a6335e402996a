"""The promotions function: the promotions a bonus engine keeps in sync and clients list."""

from clarion.api import create_app, http_handler
from promotions import promotion_routes

app = create_app(promotion_routes.router)
lambda_handler = http_handler(app)
