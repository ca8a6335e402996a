"""/v1/integrations: the providers that deliver each channel, as Novu's v1 API has them."""

from __future__ import annotations

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
    """Connects a channel to a provider (email `ses` or `smtp`, sms and push `sns`, chat `webhook`, in_app `clarion`)
    with its credentials, kept in Secrets Manager, and optional conditions on the subscriber or payload. The channel's
    first active integration becomes its primary; with `check: true`, SES sender identities and SNS platform
    applications are verified before saving; a taken `identifier` is a 409."""
    return Envelope(data=service.create_integration(caller(router), body))


@endpoint(
    router,
    "GET /v1/integrations",
    scope="list:integration",
    rate=RouteClass.GLOBAL,
    summary="List the environment's integrations",
)
def list_integrations() -> Envelope[list[Integration]]:
    """Every integration of the environment (deleted ones excluded), in Novu's shape; secret credentials show as `****`,
    never in clear."""
    return Envelope(data=service.list_integrations(caller(router)))


@endpoint(
    router,
    "GET /v1/integrations/active",
    scope="list:integration",
    rate=RouteClass.GLOBAL,
    summary="List the environment's active integrations",
)
def list_active_integrations() -> Envelope[list[Integration]]:
    """The environment's active integrations: those the dispatcher chooses from for each message, matching conditions
    first, then the primary, then the oldest."""
    return Envelope(data=service.list_integrations(caller(router), active_only=True))


@endpoint(
    router,
    "GET /v1/integrations/{integrationId}",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="Get an integration",
)
def get_integration(integrationId: IntegrationId) -> Envelope[Integration]:
    """One integration; secret credentials show as `****`. An unknown integration, or another environment's, is a
    404."""
    return Envelope(data=service.get_integration(caller(router), integrationId))


@endpoint(
    router,
    "PUT /v1/integrations/{integrationId}",
    scope="update:integration",
    rate=RouteClass.CONFIGURATION,
    summary="Update an integration",
)
def update_integration(integrationId: IntegrationId, body: UpdateIntegrationRequest) -> Envelope[Integration]:
    """Changes the fields given; sending `****` back for a secret credential keeps the stored one. `providerId` and
    `channel` may be repeated but not changed (a 422: create another integration); deactivating the primary hands it to
    the oldest active one."""
    return Envelope(data=service.update_integration(caller(router), integrationId, body))


@endpoint(
    router,
    "DELETE /v1/integrations/{integrationId}",
    scope="delete:integration",
    rate=RouteClass.CONFIGURATION,
    summary="Delete an integration (soft)",
)
def delete_integration(integrationId: IntegrationId) -> Envelope[list[Integration]]:
    """Soft-deletes the integration and answers the remaining ones, as Novu does; deleting the primary hands it to the
    channel's oldest active integration."""
    return Envelope(data=service.delete_integration(caller(router), integrationId))


@endpoint(
    router,
    "POST /v1/integrations/{integrationId}/set-primary",
    scope="update:integration",
    rate=RouteClass.CONFIGURATION,
    summary="Make an integration its channel's primary",
)
def set_primary(integrationId: IntegrationId) -> Envelope[Integration]:
    """Makes the integration its channel's primary (activating it); the former primary stays active."""
    return Envelope(data=service.set_primary(caller(router), integrationId))


@endpoint(
    router,
    "GET /v1/integrations/webhook/provider/{providerOrIntegrationId}/status",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="Whether the integration takes its provider's delivery webhooks (Clarion: false)",
)
def webhook_support(providerOrIntegrationId: ProviderOrIntegrationId) -> Envelope[bool]:
    """Answers false for an integration of the environment, by `_id` or providerId: Clarion takes no provider delivery
    webhooks. Another id is a 404 naming `providerOrIntegrationId`."""
    return Envelope(data=service.webhook_support(caller(router), providerOrIntegrationId))


@endpoint(
    router,
    "GET /v1/integrations/webhooks/provider/{providerOrIntegrationId}/status",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="The same, at the path Novu's Python SDK calls",
)
def webhook_support_sdk_path(providerOrIntegrationId: ProviderOrIntegrationId) -> Envelope[bool]:
    """Answers false for an integration of the environment, by `_id` or providerId, as `GET
    .../webhook/provider/{id}/status` does. Another id is a 404 naming `providerOrIntegrationId`."""
    return webhook_support(providerOrIntegrationId)


@endpoint(
    router,
    "GET /v1/integrations/{channelType}/limit",
    scope="info:integration",
    rate=RouteClass.GLOBAL,
    summary="Novu's demo-provider quota of a channel: none in Clarion (0 of 0)",
)
def channel_limit(channelType: ChannelType) -> Envelope[ChannelLimit]:
    """Always `{limit: 0, count: 0}`: the limit is Novu's quota for its own demo providers, which Clarion does not
    have."""
    return Envelope(data=ChannelLimit())
