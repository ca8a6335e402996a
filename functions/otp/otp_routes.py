"""/v1/otp: send a one-time password (generated, or the caller's), validate it, read the history. No answer
carries a code."""

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
    return Envelope(data=service.send_otp(caller(router), body))


@endpoint(
    router,
    "POST /v1/otp/validate",
    scope="otp:validate",
    rate=RouteClass.TRIGGER,
    summary="Validate a one-time password (the same answer for a wrong code and an unknown recipient)",
)
def validate_otp(body: ValidateOtpRequest) -> Envelope[OtpValidation]:
    return Envelope(data=OtpValidation(valid=service.validate_otp(caller(router), body)))


@endpoint(
    router,
    "GET /v1/otp/history",
    scope="list:otp",
    rate=RouteClass.GLOBAL,
    summary="List the one-time passwords sent, newest first (never their codes)",
)
def otp_history(page: PageNumber = 0, limit: Limit = 20) -> NovuPage[Otp]:
    return service.otp_history(caller(router), page=page, limit=limit)


@endpoint(router, "GET /v1/otp/{otpId}", scope="info:otp", rate=RouteClass.GLOBAL, summary="Get a one-time password")
def get_otp(otpId: OtpIdPath) -> Envelope[Otp]:
    return Envelope(data=service.get_otp(caller(router), otpId))
