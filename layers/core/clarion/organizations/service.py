"""The organization: one per stack (its id is the stack's ORGANIZATION_ID), above every environment.

Clarion has API clients, not people: no one signs in, so the organization has no members (Novu's members are its
dashboard users). Member routes answer that: an empty list, and 404 for any member id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clarion.clock import timestamp_now
from clarion.errors import NotFound
from clarion.organizations.models import (
    Branding,
    Member,
    Organization,
    OrganizationName,
    RenameOrganizationRequest,
    UpdateMemberRolesRequest,
)
from clarion.organizations.repository import OrganizationRepository
from clarion.principal import Principal
from clarion.settings import settings

if TYPE_CHECKING:
    from clarion.store import entities


def get_organization() -> Organization:
    return _public(OrganizationRepository().get())


def rename_organization(caller: Principal, request: RenameOrganizationRequest) -> OrganizationName:
    _save(caller, {"name": request.name})
    return OrganizationName(name=request.name)


def set_branding(caller: Principal, branding: Branding) -> Branding:
    """Replaces the branding whole, as Novu's PUT does."""
    _save(caller, {"branding": branding.model_dump(exclude_none=True)})
    return branding


def list_members() -> list[Member]:
    return []


def update_member_roles(member_id: str, request: UpdateMemberRolesRequest) -> Member:
    raise _no_member(member_id)


def remove_member(member_id: str) -> Member:
    raise _no_member(member_id)


def _no_member(member_id: str) -> NotFound:
    return NotFound(
        f"member '{member_id}' not found: Clarion's organization has no members (API clients hold its keys)",
        field="memberId",
    )


def _save(caller: Principal, changes: dict[str, Any]) -> None:
    changes |= {"updatedAt": timestamp_now(), "updatedBy": caller.client_id}
    OrganizationRepository().set(changes, default_name=settings().organization_id)


def _public(item: entities.Organization | None) -> Organization:
    organization_id = settings().organization_id
    if item is None:
        return Organization(id=organization_id, name=organization_id, branding=Branding())
    branding = Branding.model_validate(item["branding"])
    return Organization(
        id=organization_id, name=item["name"], logo=branding.logo, branding=branding, updatedAt=item["updatedAt"]
    )
