"""/v1/inbound-parse: Novu's check that the MX record of an environment's inbound-mail domain points at Novu's mail
server. Clarion receives no inbound mail, so no environment has such a domain: false, as Novu answers then."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, Model

router = APIGatewayHttpRouter()


class MxRecordStatus(Model):
    mxRecordConfigured: bool = False


@endpoint(
    router,
    "GET /v1/inbound-parse/mx/status",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="Whether the inbound-mail MX record is set up (Clarion receives no inbound mail: false)",
)
def mx_record_status() -> Envelope[MxRecordStatus]:
    """Always `{mxRecordConfigured: false}`: Clarion receives no inbound mail, and Novu answers the same for an
    environment without an inbound-parse domain."""
    return Envelope(data=MxRecordStatus())
