"""/v1/tags: the tags of an environment, and their hits."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageNumber, caller, endpoint
from clarion.audience import hits, service
from clarion.audience.models import (
    BatchCreateTagsRequest,
    BatchResult,
    CreateTagRequest,
    DeviceId,
    HitsPage,
    Tag,
    TagName,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, SubscriberId

router = APIGatewayHttpRouter()
TagPath = Annotated[TagName, Path(description="The tag's name")]
SubscriberFilter = Annotated[SubscriberId | None, Query(description="Only this subscriber's hits")]
DeviceFilter = Annotated[DeviceId | None, Query(description="Only this device's hits")]


@endpoint(
    router,
    "POST /v1/tags",
    scope="create:tag",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a tag",
)
def create_tag(body: CreateTagRequest) -> Envelope[Tag]:
    """Catalogues a tag ahead of its hits (a tag is also catalogued by its first hit). A name the environment already
    has is a 409 naming `name`."""
    return Envelope(data=service.create_tag(caller(router), body))


@endpoint(
    router,
    "POST /v1/tags/batch",
    scope="batch_create:tag",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create up to 100 tags; each name taken fails alone",
)
def create_tags(body: BatchCreateTagsRequest) -> Envelope[BatchResult]:
    """Catalogues 1-100 tags: a name the environment has, or one given twice, fails alone under `failed` and the others
    are created."""
    return Envelope(data=service.create_tags(caller(router), body.tags))


@endpoint(
    router,
    "GET /v1/tags",
    scope="list:tag",
    rate=RouteClass.GLOBAL,
    summary="List tags, page by page",
)
def list_tags(page: PageNumber = 0, limit: Limit = 10) -> NovuPage[Tag]:
    """Novu's page of the environment's tags in name order, each with `hits` (counted since it was catalogued) and
    `lastHitAt`."""
    return service.list_tags(caller(router), page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/tags/{tag}/hits",
    scope="list:tag_hit",
    rate=RouteClass.GLOBAL,
    summary="List a tag's hits, newest first",
)
def list_tag_hits(
    tag: TagPath,
    page: PageNumber = 0,
    limit: Limit = 10,
    subscriberId: SubscriberFilter = None,
    deviceId: DeviceFilter = None,
) -> HitsPage:
    """The tag's hits, newest first, optionally of one `subscriberId` or one `deviceId` (not both: a 422). There is no
    `totalCount`; pages reach 10,000 hits back and hits are kept 90 days. An unknown tag is a 404 naming `tag`."""
    return hits.list_tag_hits(
        caller(router), tag, page=page, limit=limit, subscriber_id=subscriberId, device_id=deviceId
    )
