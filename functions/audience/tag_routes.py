"""/v1/tags: the tags of an environment, and their hits."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, caller, endpoint
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
PageLimit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
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
    return Envelope(data=service.create_tags(caller(router), body.tags))


@endpoint(
    router,
    "GET /v1/tags",
    scope="list:tag",
    rate=RouteClass.GLOBAL,
    summary="List tags, page by page",
)
def list_tags(page: PageNumber = 0, limit: PageLimit = 10) -> NovuPage[Tag]:
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
    limit: PageLimit = 10,
    subscriberId: SubscriberFilter = None,
    deviceId: DeviceFilter = None,
) -> HitsPage:
    return hits.list_tag_hits(
        caller(router), tag, page=page, limit=limit, subscriber_id=subscriberId, device_id=deviceId
    )
