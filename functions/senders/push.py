"""The push sender: delivers the jobs of the push queue."""

from senders.handler import handler_for

lambda_handler = handler_for("push")
