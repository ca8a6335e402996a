"""/v1/promotions: a bonus engine upserts promotions by its own id; clients list them (the live ones, or those live
at a time) and read one."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import AwareDatetime

from clarion.api import Limit, PageNumber, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage
from clarion.promotions import service
from clarion.promotions.models import (
    BulkPromotionsRequest,
    DeletedPromotion,
    ExternalId,
    Promotion,
    PromotionRequest,
    PromotionStatus,
    PromotionWritten,
)

router = APIGatewayHttpRouter()
At = Annotated[AwareDatetime | None, Query(description="ISO 8601 instant `active` is judged at (default now)")]
ExternalIdPath = Annotated[ExternalId, Path(description="The bonus engine's id of the promotion")]


@endpoint(
    router,
    "PUT /v1/promotions/{externalId}",
    scope="update:promotion",
    rate=RouteClass.CONFIGURATION,
    summary="Create or replace a promotion",
    responses={201: {"description": "Created", "content": {"application/json": {"model": Envelope[Promotion]}}}},
)
def put_promotion(externalId: ExternalIdPath, body: PromotionRequest) -> Response[Envelope[Promotion]]:
    """Writes the promotion whole under the bonus engine's id: 201 when it is new, 200 when it replaced one. The same
    body sent again changes nothing but `updatedAt`, so a sync can be retried."""
    promotion, created = service.put_promotion(caller(router), externalId, body)
    return Response(201 if created else 200, "application/json", Envelope(data=promotion))


@endpoint(
    router,
    "POST /v1/promotions/bulk",
    scope="batch_create:promotion",
    rate=RouteClass.CONFIGURATION,
    summary="Create or replace up to 100 promotions",
)
def put_promotions(body: BulkPromotionsRequest) -> Envelope[list[PromotionWritten]]:
    """Upserts each promotion as the PUT does, in order; the answer says for each whether it was created or
    updated."""
    requests = [(item.externalId, item) for item in body.promotions]
    return Envelope(data=service.put_promotions(caller(router), requests))


@endpoint(
    router,
    "GET /v1/promotions",
    scope="list:promotion",
    rate=RouteClass.GLOBAL,
    summary="List promotions",
)
def list_promotions(
    *,
    page: PageNumber = 0,
    limit: Limit = 10,
    active: Annotated[bool | None, Query(description="Only those live (true) or not live (false) at `at`")] = None,
    at: Annotated[
        AwareDatetime | None, Query(description="ISO 8601 instant `active` is judged at (default now)")
    ] = None,
    status: Annotated[PromotionStatus | None, Query(description="Only those with this status")] = None,
    type: Annotated[str | None, Query(max_length=64, description="Only those of this type")] = None,
) -> NovuPage[Promotion]:
    """The environment's promotions in externalId order, Novu's page/limit paging; `active=true` lists what a client
    should show."""
    return service.list_promotions(
        caller(router), page=page, limit=limit, active=active, at=at, status=status, promotion_type=type
    )


@endpoint(
    router,
    "GET /v1/promotions/{externalId}",
    scope="info:promotion",
    rate=RouteClass.GLOBAL,
    summary="Get a promotion",
)
def get_promotion(externalId: ExternalIdPath) -> Envelope[Promotion]:
    """One promotion by the bonus engine's id, with whether it is live now."""
    return Envelope(data=service.get_promotion(caller(router), externalId))


@endpoint(
    router,
    "DELETE /v1/promotions/{externalId}",
    scope="delete:promotion",
    rate=RouteClass.CONFIGURATION,
    summary="Delete a promotion",
)
def delete_promotion(externalId: ExternalIdPath) -> Envelope[DeletedPromotion]:
    """Deletes the promotion; 404 when there is none."""
    return Envelope(data=service.delete_promotion(caller(router), externalId))
