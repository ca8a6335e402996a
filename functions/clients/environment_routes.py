"""/v1/environments, as Novu's API has them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.clients import service as clients
from clarion.clients.models import ApiKey, RegeneratedApiKey
from clarion.environments import service
from clarion.environments.models import (
    CreateEnvironmentRequest,
    Environment,
    SubscriberHmacKey,
    UpdateEnvironmentRequest,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId

router = APIGatewayHttpRouter()
EnvironmentId = Annotated[ObjectId, Path(description="The environment's id")]


@endpoint(
    router,
    "GET /v1/environments",
    scope="environments:manage",
    rate=RouteClass.GLOBAL,
    summary="List the organization's environments",
)
def list_environments() -> Envelope[list[Environment]]:
    """Every environment of the stack, in Novu's shape. It spans every environment, so it is the stack operator's
    route (`environments:manage`)."""
    return Envelope(data=service.list_environments())


@endpoint(
    router,
    "GET /v1/environments/me",
    scope="info:environment",
    rate=RouteClass.GLOBAL,
    summary="The environment of the key",
)
def get_my_environment() -> Envelope[Environment]:
    """The environment the calling key belongs to, in the shape of `GET /v1/environments`; its `identifier` is what the
    widget API calls `applicationIdentifier`."""
    return Envelope(data=service.get_environment(caller(router).environment_id))


@endpoint(
    router,
    "GET /v1/environments/api-keys",
    scope="clients:manage",
    rate=RouteClass.GLOBAL,
    summary="The environment's API keys, masked: each active client's key hint, never a key",
)
def list_api_keys() -> Envelope[list[ApiKey]]:
    """Novu's API keys list: one entry per active client of the environment, with the key's hint (`sk_...` and its last
    4 characters) as `key`. Clarion keeps only a key's hash, so no key is ever shown again after it was issued."""
    return Envelope(data=clients.api_keys(caller(router)))


@endpoint(
    router,
    "POST /v1/environments/api-keys/regenerate",
    scope="clients:manage",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Regenerate the calling key: a new key for its client, shown once; the old one stops working",
)
def regenerate_api_key() -> Envelope[list[RegeneratedApiKey]]:
    """Rotates the calling client's key, as `POST /v1/clients/{clientId}/rotate` does, and shows the new key this once;
    the old key stops working, other clients keep theirs."""
    return Envelope(data=clients.regenerate_own_key(caller(router)))


@endpoint(
    router,
    "POST /v1/environments",
    scope="environments:manage",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create an environment",
)
def create_environment(body: CreateEnvironmentRequest) -> Envelope[Environment]:
    """Creates an environment (e.g. production with `parentId`, the development environment's id, so that changes made
    in development can be promoted to it). Names are unique regardless of case (a 409); keys for it are issued with
    `POST /v1/clients` and its `environmentId`."""
    return Envelope(data=service.create_environment(body))


@endpoint(
    router,
    "PATCH /v1/environments/{environmentId}",
    scope="environments:manage",
    rate=RouteClass.CONFIGURATION,
    summary="Change an environment's settings",
)
def update_environment(environmentId: EnvironmentId, body: UpdateEnvironmentRequest) -> Envelope[Environment]:
    """Changes the settings given: the default inbox expiry of in-app messages, whether widget sessions need `hmacHash`,
    and the browser origins the widget API answers. An unknown environment is a 404."""
    return Envelope(data=service.update_environment(environmentId, body))


@endpoint(
    router,
    "GET /v1/environments/{environmentId}/subscriber-hmac-key",
    scope="environments:manage",
    rate=RouteClass.GLOBAL,
    summary="The key your backend computes subscribers' hmacHash with (chat OAuth links)",
)
def get_subscriber_hmac_key(
    environmentId: EnvironmentId,
) -> Envelope[SubscriberHmacKey]:
    """The key your backend signs subscriberIds with (hex HMAC-SHA256) for widget sessions and chat OAuth links; keep it
    out of browsers. An unknown environment is a 404."""
    return Envelope(data=service.subscriber_hmac_key(environmentId))
