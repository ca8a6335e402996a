"""/v1/workflow-overrides: what a tenant changes of a workflow (a campaign), as Novu's v1 API has them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId
from clarion.tenants import overrides
from clarion.tenants.models import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    CreateWorkflowOverrideRequest,
    UpdateWorkflowOverrideRequest,
    WorkflowOverride,
)

router = APIGatewayHttpRouter()
OverrideId = Annotated[ObjectId, Path(description="The workflow override's `_id`")]
WorkflowId = Annotated[ObjectId, Path(description="The workflow's (campaign's) `_id`")]
TenantId = Annotated[ObjectId, Path(description="The tenant's `_id`")]
OverridesPerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="Workflow overrides per page")]


@endpoint(
    router,
    "POST /v1/workflow-overrides",
    scope="create:workflow_override",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Override a workflow for a tenant (one override per workflow and tenant)",
)
def create_override(body: CreateWorkflowOverrideRequest) -> Envelope[WorkflowOverride]:
    """What one tenant changes of one workflow: `active: false` filters every message of the tenant's triggers of it,
    and `preferenceSettings` replace the workflow's channel defaults for them. `workflowId` and `tenantId` are `_id`s
    (404 when unknown); a second override of the same pair is a 409 naming `tenantId`."""
    return Envelope(data=overrides.create_override(caller(router), body))


@endpoint(
    router,
    "GET /v1/workflow-overrides",
    scope="list:workflow_override",
    rate=RouteClass.GLOBAL,
    summary="List workflow overrides, newest first",
)
def list_overrides(page: PageNumber = 0, limit: OverridesPerPage = DEFAULT_PER_PAGE) -> NovuPage[WorkflowOverride]:
    """Novu's page (`page`, `limit` 10 by default, at most 100) with `totalCount`, newest first."""
    return overrides.list_overrides(caller(router), page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/workflow-overrides/{overrideId}",
    scope="info:workflow_override",
    rate=RouteClass.GLOBAL,
    summary="Get a workflow override",
)
def get_override(overrideId: OverrideId) -> Envelope[WorkflowOverride]:
    """One workflow override by its `_id`. An unknown override, or another environment's, is a 404."""
    return Envelope(data=overrides.get_override(caller(router), overrideId))


@endpoint(
    router,
    "GET /v1/workflow-overrides/workflows/{workflowId}/tenants/{tenantId}",
    scope="info:workflow_override",
    rate=RouteClass.GLOBAL,
    summary="Get a tenant's override of a workflow",
)
def get_override_of(workflowId: WorkflowId, tenantId: TenantId) -> Envelope[WorkflowOverride]:
    """The override of the workflow (its `_id`) for the tenant (its `_id`, not its identifier). None is a 404."""
    return Envelope(data=overrides.get_override_of(caller(router), workflowId, tenantId))


@endpoint(
    router,
    "PUT /v1/workflow-overrides/{overrideId}",
    scope="update:workflow_override",
    rate=RouteClass.CONFIGURATION,
    summary="Change a workflow override",
)
def update_override(overrideId: OverrideId, body: UpdateWorkflowOverrideRequest) -> Envelope[WorkflowOverride]:
    """Sets `active` when given and merges `preferenceSettings` over the stored ones (the channels not given keep
    theirs). An unknown override is a 404."""
    return Envelope(data=overrides.update_override(caller(router), overrideId, body))


@endpoint(
    router,
    "PUT /v1/workflow-overrides/workflows/{workflowId}/tenants/{tenantId}",
    scope="update:workflow_override",
    rate=RouteClass.CONFIGURATION,
    summary="Change a tenant's override of a workflow",
)
def update_override_of(
    workflowId: WorkflowId, tenantId: TenantId, body: UpdateWorkflowOverrideRequest
) -> Envelope[WorkflowOverride]:
    """Changes the tenant's override of the workflow as `PUT /v1/workflow-overrides/{overrideId}` does: `active` when
    given, `preferenceSettings` merged. None is a 404."""
    return Envelope(data=overrides.update_override_of(caller(router), workflowId, tenantId, body))


@endpoint(
    router,
    "DELETE /v1/workflow-overrides/{overrideId}",
    scope="delete:workflow_override",
    rate=RouteClass.CONFIGURATION,
    summary="Delete a workflow override (answers true)",
)
def delete_override(overrideId: OverrideId) -> Envelope[bool]:
    """Deletes the override and answers true; the tenant's triggers then use the workflow as it is. An unknown override
    is a 404."""
    return Envelope(data=overrides.delete_override(caller(router), overrideId))
