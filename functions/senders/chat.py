"""The chat sender: delivers the jobs of the chat queue."""

from senders.handler import handler_for

lambda_handler = handler_for("chat")
