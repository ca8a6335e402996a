"""/v1/layouts: email layouts, as Novu's v1 API has them."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, caller, endpoint
from clarion.layouts import service
from clarion.layouts.models import MAX_LAYOUTS_PER_PAGE, CreateLayoutRequest, Layout, UpdateLayoutRequest
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId

router = APIGatewayHttpRouter()
LayoutId = Annotated[ObjectId, Path(description="The layout's `_id`")]
PageSize = Annotated[int, Query(ge=1, le=MAX_LAYOUTS_PER_PAGE, description="Layouts per page")]
SortBy = Annotated[Literal["createdAt"] | None, Query(description="Novu's sort field; only createdAt, as in Novu")]
OrderBy = Annotated[Literal["1", "-1"] | None, Query(description="1: oldest first; -1 (the default): newest first")]


@endpoint(
    router,
    "POST /v1/layouts",
    scope="create:layout",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a layout (an environment's first is its default)",
)
def create_layout(body: CreateLayoutRequest) -> Envelope[Layout]:
    """Saves an HTML email layout whose `content` holds the body placeholder (`{{{body}}}` or `{{ body }}`, else a 422
    naming `content`); email steps are wrapped in their layout, or the default one, when sent. The environment's first
    layout becomes its default; a taken `identifier` (default: a slug of the name) is a 409."""
    return Envelope(data=service.create_layout(caller(router), body))


@endpoint(
    router,
    "GET /v1/layouts",
    scope="list:layout",
    rate=RouteClass.GLOBAL,
    summary="List the environment's layouts, newest first",
)
def list_layouts(
    page: PageNumber = 0, pageSize: PageSize = 10, sortBy: SortBy = None, orderBy: OrderBy = None
) -> NovuPage[Layout]:
    """Novu's page (`page`, `pageSize` 10 by default, at most 1000) with `totalCount`, newest first, or oldest first
    with `orderBy=1`; `sortBy` can only be `createdAt`, as in Novu."""
    return service.list_layouts(caller(router), page=page, page_size=pageSize, oldest_first=orderBy == "1")


@endpoint(router, "GET /v1/layouts/{layoutId}", scope="info:layout", rate=RouteClass.GLOBAL, summary="Get a layout")
def get_layout(layoutId: LayoutId) -> Envelope[Layout]:
    """One layout with its content and variables. An unknown layout, or another environment's, is a 404."""
    return Envelope(data=service.get_layout(caller(router), layoutId))


@endpoint(
    router,
    "PATCH /v1/layouts/{layoutId}",
    scope="update:layout",
    rate=RouteClass.CONFIGURATION,
    summary="Change a layout's fields, or make it the default",
)
def update_layout(layoutId: LayoutId, body: UpdateLayoutRequest) -> Envelope[Layout]:
    """Changes the fields given, checked as on create; `isDefault: true` makes it the default. `isDefault: false` on the
    default layout is a 409 (make another the default instead), and an empty body a 422."""
    return Envelope(data=service.update_layout(caller(router), layoutId, body))


@endpoint(
    router,
    "DELETE /v1/layouts/{layoutId}",
    scope="delete:layout",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Delete a layout no campaign uses",
)
def delete_layout(layoutId: LayoutId) -> Response[None]:
    """Deletes the layout; its identifier is free again. The default layout, or one a campaign's step names, is a 409
    naming `layoutId`, as in Novu."""
    service.delete_layout(caller(router), layoutId)
    return Response(204)


@endpoint(
    router,
    "POST /v1/layouts/{layoutId}/default",
    scope="update:layout",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Make a layout the default",
)
def set_default_layout(layoutId: LayoutId) -> Response[None]:
    """Makes the layout the one email steps without a `layoutId` are wrapped in; the former default's `isDefault`
    becomes false. An unknown layout is a 404."""
    service.set_default_layout(caller(router), layoutId)
    return Response(204)
