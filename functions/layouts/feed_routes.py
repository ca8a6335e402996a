"""/v1/feeds: named in-app feeds, as Novu's v1 API has them.

They live in the layouts function: like layouts, they are an environment's content configuration, stored beside its
campaigns in CampaignsTable, and the function's light cold start suits a handful of rarely called routes.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.feeds import service
from clarion.feeds.models import CreateFeedRequest, Feed
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId

router = APIGatewayHttpRouter()
FeedId = Annotated[ObjectId, Path(description="The feed's `_id`")]


@endpoint(
    router,
    "POST /v1/feeds",
    scope="create:feed",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create an in-app feed (its name is its identifier)",
)
def create_feed(body: CreateFeedRequest) -> Envelope[Feed]:
    """Creates a feed whose identifier is its name, unique in the environment (a taken one is a 409 naming `name`).
    Feeds are stored and listed but not yet wired to messages: no in-app message belongs to a feed yet."""
    return Envelope(data=service.create_feed(caller(router), body))


@endpoint(
    router,
    "GET /v1/feeds",
    scope="list:feed",
    rate=RouteClass.GLOBAL,
    summary="List the environment's in-app feeds, oldest first",
)
def list_feeds() -> Envelope[list[Feed]]:
    """Every feed of the environment, oldest first."""
    return Envelope(data=service.list_feeds(caller(router)))


@endpoint(
    router,
    "DELETE /v1/feeds/{feedId}",
    scope="delete:feed",
    rate=RouteClass.CONFIGURATION,
    summary="Delete an in-app feed; answers the remaining feeds",
)
def delete_feed(feedId: FeedId) -> Envelope[list[Feed]]:
    """Deletes the feed and answers the remaining ones, as Novu does; its name is free again. An unknown feed is a 404
    naming `feedId`."""
    return Envelope(data=service.delete_feed(caller(router), feedId))
