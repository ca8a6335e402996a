"""Which provider failures are retried and which are final; how long a retried job waits."""

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from clarion.delivery.errors import PermanentFailure, TransientFailure, aws_failure, http_failure
from clarion.delivery.jobs import BACKOFF_CAP_SECONDS, backoff_seconds


def client_error(code: str, status: int = 400, message: str = "details") -> ClientError:
    response = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, "SendEmail")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["MessageRejected", "InvalidParameter", "EndpointDisabled", "BadRequestException"])
def test_an_address_the_provider_refuses_is_permanent(code: str):
    assert isinstance(aws_failure(client_error(code)), PermanentFailure)


@pytest.mark.parametrize(
    ("code", "status"),
    [("Throttling", 400), ("TooManyRequestsException", 429), ("InternalFailure", 500), ("ServiceUnavailable", 503)],
)
def test_throttling_and_server_errors_are_transient(code: str, status: int):
    assert isinstance(aws_failure(client_error(code, status)), TransientFailure)


def test_a_configuration_error_is_transient_so_the_message_waits_in_the_dlq_for_a_fix():
    assert isinstance(aws_failure(client_error("AccessDeniedException", 403)), TransientFailure)


@pytest.mark.parametrize(
    "error", [EndpointConnectionError(endpoint_url="https://email"), ReadTimeoutError(endpoint_url="https://email")]
)
def test_a_connection_error_without_a_response_is_transient(error: Exception):
    failure = aws_failure(error)
    assert (failure.retryable, failure.code) == (True, type(error).__name__)


def test_the_reason_keeps_the_providers_message_and_the_code_does_not():
    failure = aws_failure(client_error("MessageRejected", message="Email address is not verified: a@b.c"))
    assert (failure.code, failure.reason) == (
        "MessageRejected",
        "MessageRejected: Email address is not verified: a@b.c",
    )


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_webhook_timeouts_throttling_and_server_errors_are_transient(status: int):
    assert isinstance(http_failure(status), TransientFailure)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 413])
def test_other_webhook_client_errors_are_permanent(status: int):
    assert isinstance(http_failure(status), PermanentFailure)


def test_the_backoff_doubles_with_each_attempt_up_to_a_cap():
    assert [backoff_seconds(attempt) for attempt in range(1, 5)] == [20, 40, 80, 160]
    assert backoff_seconds(30) == BACKOFF_CAP_SECONDS
