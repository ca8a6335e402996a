"""What can be done with tenants, as Novu v1 does it; independent of HTTP. A trigger naming a tenant goes through
`tenant_for_trigger` (Novu's ProcessTenant): created when new, updated when the trigger gives another name or data."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools import Logger

from clarion.clock import timestamp_now
from clarion.errors import Conflict, NotFound
from clarion.ids import new_id
from clarion.models import NovuPage, counted_page
from clarion.principal import Principal
from clarion.tenants.models import CreateTenantRequest, Tenant, TriggerTenant, UpdateTenantRequest
from clarion.tenants.overrides_repository import WorkflowOverridesRepository
from clarion.tenants.repository import TenantsRepository

if TYPE_CHECKING:
    from clarion.store import entities

logger = Logger(child=True)


def create_tenant(caller: Principal, request: CreateTenantRequest) -> Tenant:
    tenant = _new_tenant(request.identifier, request.name, request.data)
    if not TenantsRepository().create(caller.environment_id, tenant):
        raise _taken(caller, request.identifier)
    return _view(caller, tenant)


def list_tenants(caller: Principal, *, page: int, limit: int) -> NovuPage[Tenant]:
    """Novu's page of tenants, newest first."""
    listing = TenantsRepository().listing
    return counted_page(listing, caller.environment_id, page=page, limit=limit, public=partial(_view, caller))


def get_tenant(caller: Principal, identifier: str) -> Tenant:
    return _view(caller, existing_tenant(caller, identifier))


def update_tenant(caller: Principal, identifier: str, request: UpdateTenantRequest) -> Tenant:
    """The fields given replace the stored ones (`data` whole, as Novu does); a new identifier must be free."""
    stored = existing_tenant(caller, identifier)
    changed = cast("entities.Tenant", dict(stored))
    if request.name is not None:
        changed["name"] = request.name
    if request.data is not None:
        changed["data"] = request.data
    if request.identifier is not None:
        changed["identifier"] = request.identifier
    if changed == stored:
        return _view(caller, stored)
    changed["updatedAt"] = timestamp_now()
    refused = TenantsRepository().replace(caller.environment_id, stored, changed)
    if refused == "identifier":
        raise _taken(caller, changed["identifier"])
    if refused == "changed":
        existing_tenant(caller, identifier)  # deleted meanwhile: a 404
        raise Conflict(f"tenant '{identifier}' changed during the request; retry it", field="identifier")
    return _view(caller, changed | {"version": stored["version"] + 1})


def delete_tenant(caller: Principal, identifier: str) -> None:
    """Deletes the tenant and its workflow overrides (no later tenant can have its `_id`)."""
    tenant = existing_tenant(caller, identifier)
    if not TenantsRepository().delete(caller.environment_id, tenant):
        existing_tenant(caller, identifier)
        raise Conflict(f"tenant '{identifier}' changed during the request; retry it", field="identifier")
    WorkflowOverridesRepository().delete_of_tenant(caller.environment_id, tenant["_id"])


def tenant_for_trigger(environment_id: str, given: str | TriggerTenant) -> entities.Tenant:
    """The stored tenant a trigger names, as Novu's ProcessTenant leaves it: an unknown identifier creates the
    tenant (with the name and data given), and a known one takes the name and data given when they differ."""
    wanted = TriggerTenant(identifier=given) if isinstance(given, str) else given
    repository = TenantsRepository()
    stored = repository.get(environment_id, wanted.identifier)
    if stored is None:
        created = _new_tenant(wanted.identifier, wanted.name, wanted.data)
        if repository.create(environment_id, created):
            logger.info("tenant created by a trigger", extra={"tenantId": created["_id"]})
            return created
        stored = repository.get(environment_id, wanted.identifier)  # another trigger created it first
        if stored is None:
            return created
    changed = cast("entities.Tenant", dict(stored))
    if wanted.name is not None:
        changed["name"] = wanted.name
    if wanted.data is not None:
        changed["data"] = wanted.data
    if changed == stored:
        return stored
    changed["updatedAt"] = timestamp_now()
    # a concurrent change wins: the trigger still goes out, with what it gave
    repository.replace(environment_id, stored, changed)
    return changed


def existing_tenant(caller: Principal, identifier: str) -> entities.Tenant:
    """A tenant of the caller's environment; another environment's is as absent as a missing one."""
    tenant = TenantsRepository().get(caller.environment_id, identifier)
    if tenant is None:
        raise NotFound(
            f"Tenant with identifier: {identifier} does not exist under environment {caller.environment_id}",
            field="identifier",
            value=identifier,
        )
    return tenant


def _new_tenant(identifier: str, name: str | None, data: dict[str, Any] | None) -> entities.Tenant:
    now = timestamp_now()
    tenant: entities.Tenant = {
        "_id": new_id(),
        "identifier": identifier,
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
    }
    if name is not None:
        tenant["name"] = name
    if data is not None:
        tenant["data"] = data
    return tenant


def _taken(caller: Principal, identifier: str) -> Conflict:
    return Conflict(
        f"Tenant with identifier: {identifier} already exists under environment {caller.environment_id}",
        field="identifier",
        value=identifier,
    )


def _view(caller: Principal, tenant: entities.Tenant) -> Tenant:
    return Tenant(
        id=tenant["_id"],
        identifier=tenant["identifier"],
        name=tenant.get("name"),
        data=tenant.get("data"),
        environmentId=caller.environment_id,
        createdAt=tenant["createdAt"],
        updatedAt=tenant["updatedAt"],
    )
