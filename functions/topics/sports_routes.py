"""/v1/sports-updates/subscriptions: following a competition's updates (membership of its `sports:` topic)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope
from clarion.sports import service
from clarion.sports.models import SportsSubscriptionRequest, SportsSubscriptionResult, SportsUnsubscription

router = APIGatewayHttpRouter()


@endpoint(
    router,
    "POST /v1/sports-updates/subscriptions",
    scope="update:sports_subscription",
    rate=RouteClass.CONFIGURATION,
    summary="Subscribe subscribers to a competition's updates (its topic sports:<competition>)",
)
def subscribe(body: SportsSubscriptionRequest) -> Envelope[SportsSubscriptionResult]:
    """Makes 1-100 existing subscribers members of the topic `sports:<competition>`, created on the first follow;
    campaigns and triggers reach the followers as any topic's. Unknown subscriberIds are listed in `notFound`."""
    return Envelope(data=service.subscribe(caller(router), body.competition, body.subscriberIds))


@endpoint(
    router,
    "POST /v1/sports-updates/subscriptions/removal",
    scope="update:sports_subscription",
    rate=RouteClass.CONFIGURATION,
    summary="Unsubscribe subscribers from a competition's updates",
)
def unsubscribe(body: SportsSubscriptionRequest) -> Envelope[SportsUnsubscription]:
    """Takes 1-100 subscribers out of the topic `sports:<competition>`. Subscribers that do not follow it, and a
    competition nobody follows, are nothing to do (still a 200)."""
    return Envelope(data=service.unsubscribe(caller(router), body.competition, body.subscriberIds))
