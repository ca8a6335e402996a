"""The email sender: delivers the jobs of the email queue."""

from senders.handler import handler_for

lambda_handler = handler_for("email")
