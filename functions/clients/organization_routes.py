"""/v1/organizations: the stack's organization, as Novu's API has it.

Reading it needs `info:organization`; changing it (it spans every environment) is the stack operator's,
`environments:manage`, as creating environments is.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId
from clarion.organizations import service
from clarion.organizations.models import (
    Branding,
    Member,
    Organization,
    OrganizationName,
    RenameOrganizationRequest,
    UpdateMemberRolesRequest,
)

router = APIGatewayHttpRouter()
MemberId = Annotated[ObjectId, Path(description="The member's id")]
OPERATOR = "environments:manage"


@endpoint(
    router,
    "GET /v1/organizations",
    scope="info:organization",
    rate=RouteClass.GLOBAL,
    summary="List the organizations of the key: the stack's one organization",
)
def list_organizations() -> Envelope[list[Organization]]:
    """A stack has one organization above all its environments; this lists it, as Novu lists a user's organizations."""
    return Envelope(data=[service.get_organization()])


@endpoint(
    router,
    "GET /v1/organizations/me",
    scope="info:organization",
    rate=RouteClass.GLOBAL,
    summary="The organization of the key: its name and branding",
)
def get_my_organization() -> Envelope[Organization]:
    """The organization with its name and branding (logo, colours, font, direction); until renamed, its name is its
    id."""
    return Envelope(data=service.get_organization())


@endpoint(
    router,
    "PATCH /v1/organizations",
    scope=OPERATOR,
    rate=RouteClass.CONFIGURATION,
    summary="Rename the organization",
)
def rename_organization(body: RenameOrganizationRequest) -> Envelope[OrganizationName]:
    """Renames the organization and answers Novu's `{name}`; the branding is kept. Every environment shares it, so it
    needs `environments:manage`."""
    return Envelope(data=service.rename_organization(caller(router), body))


@endpoint(
    router,
    "PUT /v1/organizations/branding",
    scope=OPERATOR,
    rate=RouteClass.CONFIGURATION,
    summary="Replace the organization's branding (logo, colours, font, direction)",
)
def update_branding(body: Branding) -> Envelope[Branding]:
    """Replaces the branding whole, as Novu's PUT does: a field absent or null is cleared. `logo` is an https image URL
    and colours are hex; a bad or unknown field is a 422 naming it (Novu answers 400)."""
    return Envelope(data=service.set_branding(caller(router), body))


@endpoint(
    router,
    "GET /v1/organizations/members",
    scope="info:organization",
    rate=RouteClass.GLOBAL,
    summary="The organization's members: none, Clarion has API clients instead of users",
)
def list_members() -> Envelope[list[Member]]:
    """Always empty: Novu's members are dashboard users, and what holds Clarion's keys are API clients (`/v1/clients`),
    each with its own scopes."""
    return Envelope(data=service.list_members())


@endpoint(
    router,
    "PUT /v1/organizations/members/{memberId}/roles",
    scope=OPERATOR,
    rate=RouteClass.CONFIGURATION,
    summary="Change a member's role: every member id is a 404 (Clarion has no members)",
)
def update_member_roles(memberId: MemberId, body: UpdateMemberRolesRequest) -> Envelope[Member]:
    """Served for Novu compatibility: as the organization has no members, every member id is a 404 naming `memberId`."""
    return Envelope(data=service.update_member_roles(memberId, body))


@endpoint(
    router,
    "DELETE /v1/organizations/members/{memberId}",
    scope=OPERATOR,
    rate=RouteClass.CONFIGURATION,
    summary="Remove a member: every member id is a 404 (Clarion has no members)",
)
def remove_member(memberId: MemberId) -> Envelope[Member]:
    """Served for Novu compatibility: as the organization has no members, every member id is a 404 naming `memberId`."""
    return Envelope(data=service.remove_member(memberId))
