"""The devices function: a profile's devices and the push actions listed (seed 000's device and action operations)."""

from clarion.api import create_app, http_handler
from devices import action_routes, device_routes

app = create_app(device_routes.router, action_routes.router)
lambda_handler = http_handler(app)
