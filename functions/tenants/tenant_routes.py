"""/v1/tenants: tenants, as Novu's v1 API has them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, TenantIdentifier
from clarion.tenants import service
from clarion.tenants.models import DEFAULT_PER_PAGE, MAX_PER_PAGE, CreateTenantRequest, Tenant, UpdateTenantRequest

router = APIGatewayHttpRouter()
IdentifierPath = Annotated[TenantIdentifier, Path(description="The tenant's identifier")]
TenantsPerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="Tenants per page")]


@endpoint(
    router,
    "POST /v1/tenants",
    scope="create:tenant",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a tenant (its identifier is unique in the environment)",
)
def create_tenant(body: CreateTenantRequest) -> Envelope[Tenant]:
    """Creates a tenant (a customer or brand a trigger is sent for) with `identifier`, `name` and optional `data` (a
    JSON object up to 16 KB). An identifier the environment already has is a 409 naming `identifier`; a trigger naming
    an unknown tenant also creates it."""
    return Envelope(data=service.create_tenant(caller(router), body))


@endpoint(router, "GET /v1/tenants", scope="list:tenant", rate=RouteClass.GLOBAL, summary="List tenants, newest first")
def list_tenants(page: PageNumber = 0, limit: TenantsPerPage = DEFAULT_PER_PAGE) -> NovuPage[Tenant]:
    """Novu's page (`page`, `limit` 10 by default, at most 100) with `totalCount`, newest first."""
    return service.list_tenants(caller(router), page=page, limit=limit)


@endpoint(router, "GET /v1/tenants/{identifier}", scope="info:tenant", rate=RouteClass.GLOBAL, summary="Get a tenant")
def get_tenant(identifier: IdentifierPath) -> Envelope[Tenant]:
    """One tenant by its identifier. An unknown identifier, or another environment's tenant, is a 404 naming
    `identifier`."""
    return Envelope(data=service.get_tenant(caller(router), identifier))


@endpoint(
    router,
    "PATCH /v1/tenants/{identifier}",
    scope="update:tenant",
    rate=RouteClass.CONFIGURATION,
    summary="Change a tenant's name, data or identifier",
)
def update_tenant(identifier: IdentifierPath, body: UpdateTenantRequest) -> Envelope[Tenant]:
    """Each field given replaces the stored one (`data` as a whole, as Novu does); absent or null fields are kept. A new
    `identifier` moves the tenant, keeping its `_id` and overrides; a taken one is a 409."""
    return Envelope(data=service.update_tenant(caller(router), identifier, body))


@endpoint(
    router,
    "DELETE /v1/tenants/{identifier}",
    scope="delete:tenant",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Delete a tenant and its workflow overrides",
)
def delete_tenant(identifier: IdentifierPath) -> Response[None]:
    """Deletes the tenant and its workflow overrides; its identifier is free again. An unknown tenant is a 404."""
    service.delete_tenant(caller(router), identifier)
    return Response(204)
