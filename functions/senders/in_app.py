"""The in_app sender: delivers the jobs of the in_app queue."""

from senders.handler import handler_for

lambda_handler = handler_for("in_app")
