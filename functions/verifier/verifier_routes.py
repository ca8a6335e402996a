"""/v1/verifier: email addresses verified (syntax, IDNA domain, disposable, role, suppression, MX) and rated, one at a
time or as a list (a background task whose report is a file)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId
from clarion.verifier import lists, service
from clarion.verifier.models import ListVerification, Verification, VerifyEmailRequest, VerifyListRequest

router = APIGatewayHttpRouter()
TaskIdPath = Annotated[ObjectId, Path(description="The list verification's task id")]


@endpoint(
    router,
    "POST /v1/verifier/verify",
    scope="verify:email",
    rate=RouteClass.GLOBAL,
    summary="Verify one email address",
)
def verify_email(body: VerifyEmailRequest) -> Envelope[Verification]:
    """Checks the address's syntax and domain, whether it is disposable, a role's, suppressed in this environment, and
    whether its domain has mail servers, and rates it valid, risky, unknown or invalid. An address that fails a check
    is a 200 with its result, not an error; `unknown` means DNS gave no answer in time."""
    return Envelope(data=service.verify_email(caller(router).environment_id, body.email))


@endpoint(
    router,
    "POST /v1/verifier/lists",
    scope="verify:email_list",
    rate=RouteClass.CONFIGURATION,
    status_code=202,
    summary="Verify a list of email addresses (a background task with a CSV report)",
)
def verify_list(body: VerifyListRequest) -> Envelope[ListVerification]:
    """Starts verifying the addresses given (up to 1,000) or an uploaded file's `email` column, as the single
    verification does; follow it with `GET /v1/verifier/lists/{taskId}`, whose `reportFileId` is the report once it
    is completed."""
    return Envelope(data=lists.start_list_verification(caller(router).environment_id, body))


@endpoint(
    router,
    "GET /v1/verifier/lists/{taskId}",
    scope="info:email_verification",
    rate=RouteClass.GLOBAL,
    summary="Get a list verification: its status, counts by result and report",
)
def get_list_verification(taskId: TaskIdPath) -> Envelope[ListVerification]:
    """The list verification's task status, its counts by result so far, the rows refused, and once completed the
    report file (a CSV row per address) for `GET /v1/files/{fileId}`."""
    return Envelope(data=lists.get_list_verification(caller(router).environment_id, taskId))
