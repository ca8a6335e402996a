"""The sms sender: delivers the jobs of the sms queue."""

from senders.handler import handler_for

lambda_handler = handler_for("sms")
