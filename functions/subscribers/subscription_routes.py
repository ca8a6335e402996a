"""/v1/subscribers/{subscriberId}/subscriptions and /consent: a profile's status per channel and consent per
purpose, which marketing sends obey."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import SubscriberIdPath, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope
from clarion.subscriptions import service
from clarion.subscriptions.models import Consent, Subscription, UpdateConsentRequest, UpdateSubscriptionsRequest

router = APIGatewayHttpRouter()


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/subscriptions",
    scope="list:subscription",
    rate=RouteClass.GLOBAL,
    summary="Get a subscriber's subscription status on each channel",
)
def get_subscriptions(subscriberId: SubscriberIdPath) -> Envelope[dict[str, Subscription]]:
    """The status of every channel (`email`, `sms`, `push`, `in_app`, `chat`): `subscribed`, `unsubscribed`, or
    `unknown` until set, with when (`at`) and where (`source`) it was last set. An unknown subscriber is a 404."""
    return Envelope(data=service.get_subscriptions(caller(router), subscriberId))


@endpoint(
    router,
    "PATCH /v1/subscribers/{subscriberId}/subscriptions",
    scope="update:subscription",
    rate=RouteClass.CONFIGURATION,
    summary="Subscribe or unsubscribe a subscriber on the channels given",
)
def update_subscriptions(
    subscriberId: SubscriberIdPath, body: UpdateSubscriptionsRequest
) -> Envelope[dict[str, Subscription]]:
    """Sets the status of the channels named (at: now), the others keep theirs; answers every channel. A message that is
    not transactional is filtered on a channel the subscriber is `unsubscribed` from; an unknown channel or status is a
    422 naming it, a racing change to the profile a 409."""
    return Envelope(data=service.update_subscriptions(caller(router), subscriberId, body))


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/consent",
    scope="list:consent",
    rate=RouteClass.GLOBAL,
    summary="Get a subscriber's consent to each purpose recorded",
)
def get_consent(subscriberId: SubscriberIdPath) -> Envelope[dict[str, Consent]]:
    """The purposes recorded for the subscriber, each with `granted`, `at` and `source`; a purpose never recorded is
    absent. An unknown subscriber is a 404."""
    return Envelope(data=service.get_consent(caller(router), subscriberId))


@endpoint(
    router,
    "PUT /v1/subscribers/{subscriberId}/consent",
    scope="update:consent",
    rate=RouteClass.CONFIGURATION,
    summary="Record a subscriber's consent to the purposes given",
)
def update_consent(subscriberId: SubscriberIdPath, body: UpdateConsentRequest) -> Envelope[dict[str, Consent]]:
    """Records `granted` true or false for the purposes named (at: now), the others keep theirs. Consent withdrawn for a
    campaign's purpose filters its messages on every channel unless it is transactional; a racing change to the profile
    is a 409."""
    return Envelope(data=service.update_consent(caller(router), subscriberId, body))
