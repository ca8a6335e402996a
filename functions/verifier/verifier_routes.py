"""/v1/verifier: email addresses verified (syntax, IDNA domain, disposable, role, suppression, MX) and rated."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope
from clarion.verifier import service
from clarion.verifier.models import ListVerification, Verification, VerifyEmailRequest, VerifyListRequest

router = APIGatewayHttpRouter()


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
    rate=RouteClass.GLOBAL,
    summary="Verify a list of up to 100 email addresses",
)
def verify_list(body: VerifyListRequest) -> Envelope[ListVerification]:
    """Verifies each address as the single verification does, in the request's order, and counts the results. Each
    domain is looked up once, and the whole list waits at most a few seconds for DNS."""
    return Envelope(data=service.verify_list(caller(router).environment_id, body.emails))
