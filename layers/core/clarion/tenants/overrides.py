"""Novu v1's workflow overrides: what a tenant changes of one workflow (a Clarion campaign) for the triggers that
name it. The engine applies them (clarion.engine.messages): `active: false` sends nothing, `preferenceSettings`
stand in for the campaign's channel defaults."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from clarion.clock import timestamp_now
from clarion.errors import Conflict, NotFound
from clarion.ids import new_id
from clarion.models import NovuPage, counted_page
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.store.records import CHANNELS
from clarion.tenants.models import (
    CreateWorkflowOverrideRequest,
    UpdateWorkflowOverrideRequest,
    WorkflowOverride,
)
from clarion.tenants.overrides_repository import WorkflowOverridesRepository
from clarion.tenants.repository import TenantsRepository

if TYPE_CHECKING:
    from clarion.store import entities


def create_override(caller: Principal, request: CreateWorkflowOverrideRequest) -> WorkflowOverride:
    _require_tenant_and_workflow(caller, request.tenantId, request.workflowId)
    now = timestamp_now()
    given = request.preferenceSettings.given() if request.preferenceSettings else {}
    override: entities.WorkflowOverride = {
        "_id": new_id(),
        "_tenantId": request.tenantId,
        "_workflowId": request.workflowId,
        "active": request.active,
        "preferenceSettings": dict.fromkeys(CHANNELS, True) | given,
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
    }
    if not WorkflowOverridesRepository().create(caller.environment_id, override):
        raise Conflict(
            f"the tenant {request.tenantId} already has an override of the workflow {request.workflowId}",
            field="tenantId",
            value=request.tenantId,
        )
    return _view(caller, override)


def list_overrides(caller: Principal, *, page: int, limit: int) -> NovuPage[WorkflowOverride]:
    """Novu's page of workflow overrides, newest first (as Novu sorts them)."""
    listing = WorkflowOverridesRepository().listing
    return counted_page(listing, caller.environment_id, page=page, limit=limit, public=partial(_view, caller))


def get_override(caller: Principal, override_id: str) -> WorkflowOverride:
    return _view(caller, _existing(caller, override_id))


def get_override_of(caller: Principal, workflow_id: str, tenant_id: str) -> WorkflowOverride:
    return _view(caller, _existing_of(caller, workflow_id, tenant_id))


def update_override(caller: Principal, override_id: str, request: UpdateWorkflowOverrideRequest) -> WorkflowOverride:
    return _updated(caller, _existing(caller, override_id), request)


def update_override_of(
    caller: Principal, workflow_id: str, tenant_id: str, request: UpdateWorkflowOverrideRequest
) -> WorkflowOverride:
    _require_tenant_and_workflow(caller, tenant_id, workflow_id)
    return _updated(caller, _existing_of(caller, workflow_id, tenant_id), request)


def delete_override(caller: Principal, override_id: str) -> bool:
    override = _existing(caller, override_id)
    if not WorkflowOverridesRepository().delete(caller.environment_id, override):
        _existing(caller, override_id)
        raise _changed(override_id)
    return True


def override_for_trigger(environment_id: str, tenant_id: str, campaign_id: str) -> dict[str, Any] | None:
    """What the dispatch job carries of the tenant's override of the campaign (one GetItem), if it has one."""
    override = WorkflowOverridesRepository().of_tenant(environment_id, tenant_id, campaign_id)
    if override is None:
        return None
    return {"_id": override["_id"], "active": override["active"], "preferenceSettings": override["preferenceSettings"]}


def _updated(
    caller: Principal, stored: entities.WorkflowOverride, request: UpdateWorkflowOverrideRequest
) -> WorkflowOverride:
    """Novu's update: `active` when given, `preferenceSettings` merged over the stored ones."""
    changed = cast("entities.WorkflowOverride", dict(stored))
    if request.active is not None:
        changed["active"] = request.active
    if request.preferenceSettings is not None:
        changed["preferenceSettings"] = stored["preferenceSettings"] | request.preferenceSettings.given()
    if changed == stored:
        return _view(caller, stored)
    changed["updatedAt"] = timestamp_now()
    if not WorkflowOverridesRepository().replace(caller.environment_id, stored, changed):
        _existing(caller, stored["_id"])
        raise _changed(stored["_id"])
    return _view(caller, changed)


def _require_tenant_and_workflow(caller: Principal, tenant_id: str, workflow_id: str) -> None:
    if TenantsRepository().identifier_of(caller.environment_id, tenant_id) is None:
        raise NotFound(f"Tenant with id {tenant_id} is not found", field="tenantId", value=tenant_id)
    if CampaignsRepository().get(caller.environment_id, workflow_id) is None:
        raise NotFound(f"Workflow with id {workflow_id} is not found", field="workflowId", value=workflow_id)


def _existing(caller: Principal, override_id: str) -> entities.WorkflowOverride:
    override = WorkflowOverridesRepository().get(caller.environment_id, override_id)
    if override is None:
        raise NotFound(f"Workflow Override with id {override_id} not found", field="overrideId", value=override_id)
    return override


def _existing_of(caller: Principal, workflow_id: str, tenant_id: str) -> entities.WorkflowOverride:
    override = WorkflowOverridesRepository().of_tenant(caller.environment_id, tenant_id, workflow_id)
    if override is None:
        raise NotFound(
            f"Workflow Override with workflow id {workflow_id}, tenant id {tenant_id} not found",
            field="workflowId",
            value=workflow_id,
        )
    return override


def _changed(override_id: str) -> Conflict:
    return Conflict(f"workflow override {override_id} changed during the request; retry it", field="overrideId")


def _view(caller: Principal, override: entities.WorkflowOverride) -> WorkflowOverride:
    return WorkflowOverride(
        id=override["_id"],
        organizationId=settings().organization_id,
        environmentId=caller.environment_id,
        workflowId=override["_workflowId"],
        tenantId=override["_tenantId"],
        active=override["active"],
        preferenceSettings=override["preferenceSettings"],
        createdAt=override["createdAt"],
        updatedAt=override["updatedAt"],
    )
