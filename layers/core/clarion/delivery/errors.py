"""How a provider's failure is classified: permanent (the message can never be sent) or transient (retry later)."""

from typing import Any

# Provider error codes that mean this message, as addressed, will never be accepted. Anything else (throttling,
# 5xx, a missing identity or platform application, credentials) is worth retrying: an operator can fix it, and a
# message that keeps failing ends in the dead-letter queue, from where it can be redriven.
PERMANENT_CODES = frozenset(
    {
        "MessageRejected",
        "BadRequestException",
        "InvalidParameter",
        "InvalidParameterValue",
        "InvalidParameterException",
        "EndpointDisabled",
        "OptedOut",
        "OptedOutException",
        "ValidationError",
    }
)
RETRYABLE_HTTP_STATUSES = frozenset({408, 429})


class DeliveryFailure(Exception):
    """A provider refused or could not take a message. `code` is safe to log; `reason` may quote the provider's
    message (which can name the address), so it is stored in the record's history but never logged."""

    retryable = False

    def __init__(self, code: str, reason: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.reason = f"{code}: {reason}" if reason else code


class PermanentFailure(DeliveryFailure):
    retryable = False


class TransientFailure(DeliveryFailure):
    retryable = True


def aws_failure(error: Exception) -> DeliveryFailure:
    """The failure an AWS client error (or a connection error without a response) stands for."""
    response: dict[str, Any] = getattr(error, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    if not code:
        return TransientFailure(type(error).__name__)
    message = response.get("Error", {}).get("Message", "")
    if code in PERMANENT_CODES:
        return PermanentFailure(code, message)
    return TransientFailure(code, message)


def http_failure(status: int, reason: str = "") -> DeliveryFailure:
    """The failure an HTTP error status stands for: 408, 429 and 5xx are worth retrying, other 4xx are not."""
    code = f"HTTP {status}"
    if status in RETRYABLE_HTTP_STATUSES or status >= 500:
        return TransientFailure(code, reason)
    return PermanentFailure(code, reason)
