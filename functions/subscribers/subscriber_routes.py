"""/v1/subscribers: subscribers, their credentials and online status (Novu v1)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, SubscriberIdPath, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage
from clarion.subscribers import service
from clarion.subscribers.models import (
    BulkCreateResult,
    BulkCreateSubscribersRequest,
    CreateSubscriberRequest,
    DeletedSubscriber,
    OnlineStatusRequest,
    Subscriber,
    SubscriberChannelRequest,
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
    return Envelope(data=service.bulk_create_subscribers(caller(router), body.subscribers))


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}",
    scope="info:profile",
    rate=RouteClass.GLOBAL,
    summary="Get a subscriber",
)
def get_subscriber(subscriberId: SubscriberIdPath) -> Envelope[Subscriber]:
    return Envelope(data=service.get_subscriber(caller(router), subscriberId))


@endpoint(
    router,
    "PUT /v1/subscribers/{subscriberId}",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Update a subscriber's fields",
)
def update_subscriber(subscriberId: SubscriberIdPath, body: UpdateSubscriberRequest) -> Envelope[Subscriber]:
    return Envelope(data=service.update_subscriber(caller(router), subscriberId, body))


@endpoint(
    router,
    "DELETE /v1/subscribers/{subscriberId}",
    scope="delete:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Delete a subscriber, its preferences and topics",
)
def delete_subscriber(subscriberId: SubscriberIdPath) -> Envelope[DeletedSubscriber]:
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
    return Envelope(data=service.set_credentials(caller(router), subscriberId, body))


@endpoint(
    router,
    "PATCH /v1/subscribers/{subscriberId}/credentials",
    scope="update:profile",
    rate=RouteClass.CONFIGURATION,
    summary="Merge into a provider's credentials, appending device tokens",
)
def modify_credentials(subscriberId: SubscriberIdPath, body: SubscriberChannelRequest) -> Envelope[Subscriber]:
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
    return Envelope(data=service.set_online_status(caller(router), subscriberId, body))
