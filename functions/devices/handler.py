"""The devices function: a profile's devices (seed 000's device operations)."""

from clarion.api import create_app, http_handler
from devices import device_routes

app = create_app(device_routes.router)
lambda_handler = http_handler(app)
