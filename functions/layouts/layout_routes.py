"""/v1/layouts: email layouts, as Novu's v1 API has them."""

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
    return service.list_layouts(caller(router), page=page, page_size=pageSize, oldest_first=orderBy == "1")


@endpoint(router, "GET /v1/layouts/{layoutId}", scope="info:layout", rate=RouteClass.GLOBAL, summary="Get a layout")
def get_layout(layoutId: LayoutId) -> Envelope[Layout]:
    return Envelope(data=service.get_layout(caller(router), layoutId))


@endpoint(
    router,
    "PATCH /v1/layouts/{layoutId}",
    scope="update:layout",
    rate=RouteClass.CONFIGURATION,
    summary="Change a layout's fields, or make it the default",
)
def update_layout(layoutId: LayoutId, body: UpdateLayoutRequest) -> Envelope[Layout]:
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
    service.set_default_layout(caller(router), layoutId)
    return Response(204)
