"""/v1/lists: lists of profiles, and their items (members)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageNumber, caller, endpoint
from clarion.limits import RouteClass
from clarion.lists import service
from clarion.lists.models import (
    AudienceList,
    CreateListRequest,
    ListItem,
    ListItemsRequest,
    ListItemsResult,
    UpdateListRequest,
)
from clarion.models import Envelope, NovuPage, ObjectId

router = APIGatewayHttpRouter()
ListIdPath = Annotated[ObjectId, Path(description="The list's id")]


@endpoint(
    router,
    "POST /v1/lists",
    scope="create:list",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a list",
)
def create_list(body: CreateListRequest) -> Envelope[AudienceList]:
    """Creates an empty list of subscribers in the calling key's environment; `description` is optional. The answer is
    the new list with `subscriberCount` 0."""
    return Envelope(data=service.create_list(caller(router), body.name, body.description))


@endpoint(
    router,
    "GET /v1/lists",
    scope="list:list",
    rate=RouteClass.GLOBAL,
    summary="List the lists, with their member counts",
)
def list_lists(page: PageNumber = 0, limit: Limit = 20) -> NovuPage[AudienceList]:
    """Novu-style pages (`page` from 0, `limit`) of the environment's lists, each with its `subscriberCount`;
    `totalCount` counts every list."""
    return service.list_lists(caller(router), page=page, limit=limit)


@endpoint(router, "GET /v1/lists/{listId}", scope="info:list", rate=RouteClass.GLOBAL, summary="Get a list")
def get_list(listId: ListIdPath) -> Envelope[AudienceList]:
    """One list with its member count. An unknown id, or another environment's list, is a 404."""
    return Envelope(data=service.get_list(caller(router), listId))


@endpoint(
    router,
    "PATCH /v1/lists/{listId}",
    scope="update:list",
    rate=RouteClass.CONFIGURATION,
    summary="Rename or describe a list",
)
def update_list(listId: ListIdPath, body: UpdateListRequest) -> Envelope[AudienceList]:
    """Changes `name` and/or `description` (a null `description` clears it). A body changing nothing is a 422; an
    unknown list a 404."""
    return Envelope(data=service.update_list(caller(router), listId, body))


@endpoint(
    router,
    "DELETE /v1/lists/{listId}",
    scope="delete:list",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Delete a list and its memberships",
)
def delete_list(listId: ListIdPath) -> Response[None]:
    """Removes every membership, then the list; the subscribers themselves stay. Interrupted, deleting again finishes
    the work; an unknown list is a 404, and members joining throughout the deletion a 409 to retry."""
    service.delete_list(caller(router), listId)
    return Response(204)


@endpoint(
    router,
    "POST /v1/lists/{listId}/items",
    scope="update:list",
    rate=RouteClass.CONFIGURATION,
    summary="Add subscribers to a list (unknown ones reported per item)",
)
def add_items(listId: ListIdPath, body: ListItemsRequest) -> Envelope[ListItemsResult]:
    """Adds up to 100 subscribers by `subscriberId`; members already in the list count as added. Unknown subscribers are
    listed under `failed.notFound` and the others are still added; an unknown list is a 404."""
    return Envelope(data=service.add_items(caller(router), listId, body.subscriberIds))


@endpoint(
    router,
    "POST /v1/lists/{listId}/items/removal",
    scope="update:list",
    rate=RouteClass.CONFIGURATION,
    summary="Remove subscribers from a list (non-members reported per item)",
)
def remove_items(listId: ListIdPath, body: ListItemsRequest) -> Envelope[ListItemsResult]:
    """Removes up to 100 subscribers by `subscriberId`; those that were not members are listed under `failed.notFound`.
    An unknown list is a 404."""
    return Envelope(data=service.remove_items(caller(router), listId, body.subscriberIds))


@endpoint(
    router,
    "GET /v1/lists/{listId}/items",
    scope="list:list_item",
    rate=RouteClass.GLOBAL,
    summary="List a list's members, page by page",
)
def list_items(listId: ListIdPath, page: PageNumber = 0, limit: Limit = 20) -> NovuPage[ListItem]:
    """Novu-style pages (`page` from 0, `limit`) of the list's members in `subscriberId` order, with when each was
    added; `totalCount` is the list's member count. An unknown list is a 404."""
    return service.list_items(caller(router), listId, page=page, limit=limit)
