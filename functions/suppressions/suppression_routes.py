"""/v1/suppressions: addresses never sent to, per channel (email, sms), and why."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from clarion.api import Limit, PageNumber, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage
from clarion.suppressions import service
from clarion.suppressions.models import (
    AddSuppressionsRequest,
    AddSuppressionsResult,
    Suppression,
    SuppressionChannel,
)

router = APIGatewayHttpRouter()
ChannelPath = Annotated[SuppressionChannel, Path(description="`email` or `sms`")]
AddressPath = Annotated[
    str, Path(description="The email address or E.164 phone number, URL-encoded"), Field(min_length=1, max_length=254)
]
ChannelFilter = Annotated[SuppressionChannel, Query(description="The channel whose suppressions to list")]


@endpoint(
    router,
    "POST /v1/suppressions",
    scope="create:suppression",
    rate=RouteClass.CONFIGURATION,
    summary="Suppress addresses (each entry's result: added, or existing with its first reason kept)",
)
def add_suppressions(body: AddSuppressionsRequest) -> Envelope[AddSuppressionsResult]:
    """Suppresses 1-100 email addresses or E.164 phone numbers so that no message is sent to them, whatever the campaign
    (critical and transactional included). Adding an address already suppressed is safe: it answers `existing` and keeps
    the first reason; a malformed address is a 422 naming its entry."""
    return Envelope(data=service.add_suppressions(caller(router).environment_id, body.suppressions))


@endpoint(
    router,
    "GET /v1/suppressions",
    scope="list:suppression",
    rate=RouteClass.GLOBAL,
    summary="List a channel's suppressed addresses, oldest first",
)
def list_suppressions(
    channel: ChannelFilter = "email", page: PageNumber = 0, limit: Limit = 20
) -> NovuPage[Suppression]:
    """Novu-style pages (`page` from 0, `limit`) of one channel's suppressions (`channel` `email` by default, or `sms`),
    oldest first, with `totalCount`."""
    return service.list_suppressions(caller(router), channel, page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/suppressions/{channel}/{address}",
    scope="info:suppression",
    rate=RouteClass.GLOBAL,
    summary="Check one address: its suppression, or 404 when it is not suppressed",
)
def get_suppression(channel: ChannelPath, address: AddressPath) -> Envelope[Suppression]:
    """The address is URL-encoded (`%2B14155550100`) and normalised as on add (an email trimmed and lower-cased). A
    malformed address is a 422; one not suppressed in this environment is a 404 naming `address`."""
    return Envelope(data=service.get_suppression(caller(router), channel, address))


@endpoint(
    router,
    "DELETE /v1/suppressions/{channel}/{address}",
    scope="delete:suppression",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Lift an address's suppression (404 when it is not suppressed)",
)
def remove_suppression(channel: ChannelPath, address: AddressPath) -> Response[None]:
    """Lifts the suppression: the next send to the address is no longer held back by it. An address that was not
    suppressed is a 404; a malformed one a 422."""
    service.remove_suppression(caller(router), channel, address)
    return Response(204)
