"""/v1/segments: rule trees over profiles, counted and previewed by a streamed pass over the environment."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageCursor, PageNumber, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId
from clarion.segments import service
from clarion.segments.models import (
    CreateSegmentRequest,
    Segment,
    SegmentCount,
    SegmentPreview,
    UpdateSegmentRequest,
)

router = APIGatewayHttpRouter()
SegmentIdPath = Annotated[ObjectId, Path(description="The segment's id")]


@endpoint(
    router,
    "POST /v1/segments",
    scope="create:segment",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a segment",
)
def create_segment(body: CreateSegmentRequest) -> Envelope[Segment]:
    """Saves a rule tree over profiles (attributes, tags, event and tag hits, devices, consent, subscriptions, lists,
    topics), evaluated each time the segment is used. Saving checks what the rule names: an uncatalogued attribute, an
    operator or value that does not fit its type, or an unknown list or topic is a 422 naming the rule's path."""
    return Envelope(data=service.create_segment(caller(router), body))


@endpoint(router, "GET /v1/segments", scope="list:segment", rate=RouteClass.GLOBAL, summary="List the segments")
def list_segments(page: PageNumber = 0, limit: Limit = 20) -> NovuPage[Segment]:
    """Novu-style pages (`page` from 0, `limit` 1-100) of the environment's segments, oldest first, with
    `totalCount`."""
    return service.list_segments(caller(router), page=page, limit=limit)


@endpoint(router, "GET /v1/segments/{segmentId}", scope="info:segment", rate=RouteClass.GLOBAL, summary="Get a segment")
def get_segment(segmentId: SegmentIdPath) -> Envelope[Segment]:
    """One segment with its rule. An unknown id, or another environment's segment, is a 404 naming `segmentId`."""
    return Envelope(data=service.get_segment(caller(router), segmentId))


@endpoint(
    router,
    "PATCH /v1/segments/{segmentId}",
    scope="update:segment",
    rate=RouteClass.CONFIGURATION,
    summary="Rename, describe or change the rule of a segment",
)
def update_segment(segmentId: SegmentIdPath, body: UpdateSegmentRequest) -> Envelope[Segment]:
    """Changes `name`, `description` (null clears it) and/or `rule`, checked as on create; a body changing nothing is a
    422. Sends and schedules already accepted keep the rule they copied."""
    return Envelope(data=service.update_segment(caller(router), segmentId, body))


@endpoint(
    router,
    "DELETE /v1/segments/{segmentId}",
    scope="delete:segment",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Delete a segment",
)
def delete_segment(segmentId: SegmentIdPath) -> Response[None]:
    """Deletes the segment; a send already accepted or scheduled goes on with the rule it copied. An unknown segment is
    a 404."""
    service.delete_segment(caller(router), segmentId)
    return Response(204)


@endpoint(
    router,
    "GET /v1/segments/{segmentId}/count",
    scope="info:segment",
    rate=RouteClass.GLOBAL,
    summary="Count the profiles matching a segment now",
)
def count_segment(segmentId: SegmentIdPath) -> Envelope[SegmentCount]:
    """Evaluates the rule over every profile of the environment now and answers the matches (`count`) and the profiles
    read (`scanned`). Its time grows with the environment's profiles, not the segment's size."""
    return Envelope(data=service.count_segment(caller(router), segmentId))


@endpoint(
    router,
    "GET /v1/segments/{segmentId}/preview",
    scope="info:segment",
    rate=RouteClass.GLOBAL,
    summary="The first profiles matching a segment, with a cursor to read on",
)
def preview_segment(segmentId: SegmentIdPath, limit: Limit = 20, cursor: PageCursor = None) -> Envelope[SegmentPreview]:
    """The first `limit` matching profiles in `subscriberId` order after `cursor`, and `next`, the cursor of the
    following ones (null once every profile was read). One call reads at most 5,000 profiles, so a rare segment may
    answer fewer than `limit` with a `next` to go on from."""
    return Envelope(data=service.preview_segment(caller(router), segmentId, limit=limit, cursor=cursor))
