"""/v1/integrations: the providers that deliver each channel, as Novu's v1 API has them."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.integrations import service
from clarion.integrations.models import (
    ChannelLimit,
    CreateIntegrationRequest,
    Integration,
    IntegrationChannel,
    UpdateIntegrationRequest,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId

router = APIGatewayHttpRouter()
IntegrationId = Annotated[ObjectId, Path(description="The integration's _id")]
ProviderOrIntegrationId = Annotated[
    str, Path(min_length=1, max_length=100, description="An integration's _id, or a providerId of the environment's")
]
ChannelType = Annotated[IntegrationChannel, Path(description="The channel")]


@endpoint(
    router,
    "POST /v1/integrations",
    scope="create:integration",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create an integration",
)
def create_integration(body: CreateIntegrationRequest) -> Envelope[Integration]:
    return Envelope(data=service.create_integration(caller(router), body))


@endpoint(
    router,
    "GET /v1/integrations",
    scope="list:integration",
    rate=RouteClass.GLOBAL,
    summary="List the environment's integrations",
)
def list_integrations() -> Envelope[list[Integration]]:
    return Envelope(data=service.list_integrations(caller(router)))


@endpoint(
    router,
    "GET /v1/integrations/active",
    scope="list:integration",
    rate=RouteClass.GLOBAL,
    summary="List the environment's active integrations",
)
def list_active_integrations() -> Envelope[list[Integration]]:
    return Envelope(data=service.list_integrations(caller(router), active_only=True))


@endpoint(
    router,
    "GET /v1/integrations/{integrationId}",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="Get an integration",
)
def get_integration(integrationId: IntegrationId) -> Envelope[Integration]:
    return Envelope(data=service.get_integration(caller(router), integrationId))


@endpoint(
    router,
    "PUT /v1/integrations/{integrationId}",
    scope="update:integration",
    rate=RouteClass.CONFIGURATION,
    summary="Update an integration",
)
def update_integration(integrationId: IntegrationId, body: UpdateIntegrationRequest) -> Envelope[Integration]:
    return Envelope(data=service.update_integration(caller(router), integrationId, body))


@endpoint(
    router,
    "DELETE /v1/integrations/{integrationId}",
    scope="delete:integration",
    rate=RouteClass.CONFIGURATION,
    summary="Delete an integration (soft)",
)
def delete_integration(integrationId: IntegrationId) -> Envelope[list[Integration]]:
    return Envelope(data=service.delete_integration(caller(router), integrationId))


@endpoint(
    router,
    "POST /v1/integrations/{integrationId}/set-primary",
    scope="update:integration",
    rate=RouteClass.CONFIGURATION,
    summary="Make an integration its channel's primary",
)
def set_primary(integrationId: IntegrationId) -> Envelope[Integration]:
    return Envelope(data=service.set_primary(caller(router), integrationId))


@endpoint(
    router,
    "GET /v1/integrations/webhook/provider/{providerOrIntegrationId}/status",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="Whether the integration takes its provider's delivery webhooks (Clarion: false)",
)
def webhook_support(providerOrIntegrationId: ProviderOrIntegrationId) -> Envelope[bool]:
    return Envelope(data=service.webhook_support(caller(router), providerOrIntegrationId))


@endpoint(
    router,
    "GET /v1/integrations/webhooks/provider/{providerOrIntegrationId}/status",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="The same, at the path Novu's Python SDK calls",
)
def webhook_support_sdk_path(providerOrIntegrationId: ProviderOrIntegrationId) -> Envelope[bool]:
    return webhook_support(providerOrIntegrationId)


@endpoint(
    router,
    "GET /v1/integrations/{channelType}/limit",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="Novu's demo-provider quota of a channel: none in Clarion (0 of 0)",
)
def channel_limit(channelType: ChannelType) -> Envelope[ChannelLimit]:
    return Envelope(data=ChannelLimit())
