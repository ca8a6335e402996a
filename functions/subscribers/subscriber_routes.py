"""/v1/subscribers: subscribers, their credentials and online status (Novu v1)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, SubscriberIdPath, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage
from clarion.subscribers import service
from clarion.subscribers.fields import SubscriberChannelRequest
from clarion.subscribers.models import (
    BulkCreateResult,
    BulkCreateSubscribersRequest,
    CreateSubscriberRequest,
    DeletedSubscriber,
    OnlineStatusRequest,
    Subscriber,
    UpdateSubscriberRequest,
)
from clarion.subscribers.validation import ProviderId

router = APIGatewayHttpRouter()
ProviderIdPath = Annotated[ProviderId, Path(description="A chat or push provider, e.g. slack or fcm")]
PageLimit = Annotated[int, Query(ge=1, le=100, description="Subscribers per page")]


@endpoint(
    router,
    "GET /v1/subscribers",
    scope="list:profile",
    rate=RouteClass.GLOBAL,
    summary="List subscribers, page by page",
)
def list_subscribers(page: PageNumber = 0, limit: PageLimit = 10) -> NovuPage[Subscriber]:
    """Novu's paging: `page` from 0 and `limit` (1-100, default 10), with an exact `totalCount` and `hasMore`."""
    return service.list_subscribers(caller(router), page=page, limit=limit)


@endpoint(
    router,
    "POST /v1/subscribers",
    scope="create:profile",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a subscriber (or update an existing one)",
)
def create_subscriber(body: CreateSubscriberRequest) -> Envelope[Subscriber]:
    """Novu's create: a `subscriberId` that already exists has the given fields updated instead of being a conflict.
    Fields are validated (`email`, `phone` in E.164, `locale`, `timezone`, `avatar`, `data` up to 16 KB); a bad one is a
    422 naming it."""
    return Envelope(data=service.create_subscriber(caller(router), body))


@endpoint(
    router,
    "POST /v1/subscribers/bulk",
    scope="batch_create:profile",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create or update up to 500 subscribers",
)
def bulk_create_subscribers(body: BulkCreateSubscribersRequest) -> Envelope[BulkCreateResult]:
    """Novu's bulk upsert of up to 500 subscribers: new ones are listed in `created`, existing ones get the given fields
    and are listed in `updated`. A bad entry fails alone, listed in `failed` with the field it got wrong."""
    return Envelope(data=service.bulk_create_subscribers(caller(router), body.subscribers))


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}",
    scope="info:profile",
    rate=RouteClass.GLOBAL,
    summary="Get a subscriber",
)
def get_subscriber(subscriberId: SubscriberIdPath) -> Envelope[Subscriber]:
    """The subscriber's profile, with its channels' credentials, its lists, subscription statuses and consent. An
    unknown subscriberId, or another environment's, is a 404."""
    return Envelope(data=service.get_subscriber(caller(router), subscriberId))


@endpoint(
    router,
    "PUT /v1/subscribers/{subscriberId}",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Update a subscriber's fields",
)
def update_subscriber(subscriberId: SubscriberIdPath, body: UpdateSubscriberRequest) -> Envelope[Subscriber]:
    """Changes the fields given; as in Novu, a `null` field keeps its value, except `email`, which it clears. A
    `subscriberId` in the body must match the path's (else a 422); an unknown subscriber is a 404."""
    return Envelope(data=service.update_subscriber(caller(router), subscriberId, body))


@endpoint(
    router,
    "DELETE /v1/subscribers/{subscriberId}",
    scope="delete:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Delete a subscriber, its preferences and topics",
)
def delete_subscriber(subscriberId: SubscriberIdPath) -> Envelope[DeletedSubscriber]:
    """Deletes the profile with its preferences, devices, and topic and list memberships; the answer is Novu's
    `{acknowledged: true, status: "deleted"}`. An unknown subscriber is a 404; a change racing the deletion is a 409 to
    retry."""
    service.delete_subscriber(caller(router), subscriberId)
    return Envelope(data=DeletedSubscriber())


@endpoint(
    router,
    "PUT /v1/subscribers/{subscriberId}/credentials",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Replace a provider's credentials",
)
def set_credentials(subscriberId: SubscriberIdPath, body: SubscriberChannelRequest) -> Envelope[Subscriber]:
    """Replaces the credentials (e.g. `deviceTokens`, `webhookUrl`) the subscriber holds for one chat or push provider,
    as Novu's `PUT` does. An unknown subscriber is a 404."""
    return Envelope(data=service.set_credentials(caller(router), subscriberId, body))


@endpoint(
    router,
    "PATCH /v1/subscribers/{subscriberId}/credentials",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Merge into a provider's credentials, appending device tokens",
)
def modify_credentials(subscriberId: SubscriberIdPath, body: SubscriberChannelRequest) -> Envelope[Subscriber]:
    """Novu's modify: merges the given credentials into those of the provider, appending device tokens without
    duplicates. An unknown subscriber is a 404."""
    return Envelope(data=service.modify_credentials(caller(router), subscriberId, body))


@endpoint(
    router,
    "DELETE /v1/subscribers/{subscriberId}/credentials/{providerId}",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    status_code=204,
    summary="Delete a provider's credentials",
)
def delete_credentials(subscriberId: SubscriberIdPath, providerId: ProviderIdPath) -> Response[None]:
    """Removes every credential the subscriber holds for the provider; a provider it holds none for changes nothing. An
    unknown subscriber is a 404."""
    service.delete_credentials(caller(router), subscriberId, providerId)
    return Response(status_code=204)


@endpoint(
    router,
    "PATCH /v1/subscribers/{subscriberId}/online-status",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Set whether a subscriber is online",
)
def set_online_status(subscriberId: SubscriberIdPath, body: OnlineStatusRequest) -> Envelope[Subscriber]:
    """Sets `isOnline`; going offline also records `lastOnlineAt`, as Novu does. An unknown subscriber is a 404."""
    return Envelope(data=service.set_online_status(caller(router), subscriberId, body))
