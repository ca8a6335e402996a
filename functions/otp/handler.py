"""The OTP function: one-time passwords sent by SMS or email, validated, and their history."""

from clarion.api import create_app, http_handler
from otp import otp_routes

app = create_app(otp_routes.router)
lambda_handler = http_handler(app)
