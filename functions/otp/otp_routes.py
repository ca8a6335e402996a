"""/v1/otp: send a one-time password (generated, or the caller's), validate it, read the history. No answer
carries a code."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageNumber, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId
from clarion.otp import service
from clarion.otp.models import Otp, OtpValidation, SendOtpRequest, SendOwnOtpRequest, ValidateOtpRequest

router = APIGatewayHttpRouter()
OtpIdPath = Annotated[ObjectId, Path(description="The one-time password's id")]


@endpoint(
    router,
    "POST /v1/otp/send",
    scope="otp:send",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Generate a one-time password and send it by SMS or email",
)
def send_otp(body: SendOtpRequest) -> Envelope[Otp]:
    """Generates a code of `length` random digits (default 6) and sends it by SMS or email to a subscriber, an email
    or a phone; a new send for the same recipient and purpose invalidates the previous code. The code is never stored
    or returned (only its hash); resending within 30 seconds, or more than 10 times an hour, is a 429 with
    `Retry-After`."""
    return Envelope(data=service.send_otp(caller(router), body))


@endpoint(
    router,
    "POST /v1/otp/send-own",
    scope="otp:send",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Send a one-time password the caller chose (it is not echoed back)",
)
def send_own_otp(body: SendOwnOtpRequest) -> Envelope[Otp]:
    """Sends the caller's own `code` (4-12 letters or digits) with the same rules as `POST /v1/otp/send`; the answer
    says `ownCode: true` and never echoes the code."""
    return Envelope(data=service.send_otp(caller(router), body))


@endpoint(
    router,
    "POST /v1/otp/validate",
    scope="otp:validate",
    rate=RouteClass.TRIGGER,
    summary="Validate a one-time password (the same answer for a wrong code and an unknown recipient)",
)
def validate_otp(body: ValidateOtpRequest) -> Envelope[OtpValidation]:
    """Answers `{valid: true}` once for the right, live code of the recipient and purpose. Every other case (a wrong,
    expired, locked, used or replaced code, an unknown recipient) is the same 200 `{valid: false}`; each try counts one
    attempt, and reaching `maxAttempts` locks the code."""
    return Envelope(data=OtpValidation(valid=service.validate_otp(caller(router), body)))


@endpoint(
    router,
    "GET /v1/otp/history",
    scope="list:otp",
    rate=RouteClass.GLOBAL,
    summary="List the one-time passwords sent, newest first (never their codes)",
)
def otp_history(page: PageNumber = 0, limit: Limit = 20) -> NovuPage[Otp]:
    """Novu-style pages (`page` from 0, `limit`) of the environment's codes of the last 30 days, newest first, with
    their status; `totalCount` counts up to the page read. No code is ever shown."""
    return service.otp_history(caller(router), page=page, limit=limit)


@endpoint(router, "GET /v1/otp/{otpId}", scope="info:otp", rate=RouteClass.GLOBAL, summary="Get a one-time password")
def get_otp(otpId: OtpIdPath) -> Envelope[Otp]:
    """One code's record (recipient, channel, purpose, status, attempts, expiry), never the code itself. An unknown id
    is a 404 naming `otpId`."""
    return Envelope(data=service.get_otp(caller(router), otpId))
