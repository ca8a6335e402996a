"""Domain errors: raised by domain code, mapped to HTTP in one place (clarion.api)."""

from http import HTTPStatus
from typing import Any


class ClarionError(Exception):
    status = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, *, field: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value


class Unauthorized(ClarionError):
    status = HTTPStatus.UNAUTHORIZED


class Forbidden(ClarionError):
    status = HTTPStatus.FORBIDDEN


class NotFound(ClarionError):
    status = HTTPStatus.NOT_FOUND


class Conflict(ClarionError):
    status = HTTPStatus.CONFLICT


class PayloadTooLarge(ClarionError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class ValidationFailed(ClarionError):
    """A value that passed the schema but breaks a domain rule; `field` names it."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


class TooManyRequests(ClarionError):
    """A domain throttle (not the key's rate limit): `retry_after` seconds until the call may succeed."""

    status = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
