"""/v1/clients: API clients and their keys."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageCursor, caller, endpoint
from clarion.clients import service
from clarion.clients.models import AuditEntry, Client, ClientWithKey, CreateClientRequest, SetScopesRequest
from clarion.limits import RouteClass
from clarion.models import CursorPage, Envelope, ObjectId

router = APIGatewayHttpRouter()
ClientId = Annotated[ObjectId, Path(description="The client's id")]


@endpoint(
    router,
    "POST /v1/clients",
    scope="clients:manage",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create an API client and its secret key",
)
def create_client(body: CreateClientRequest) -> Envelope[ClientWithKey]:
    """Creates a client with a name, scopes (fine scopes or bundles) and optional rate limits, and answers its secret
    `key`, shown this once (only its hash is kept). A key never grants scopes its creator lacks; issuing for another
    `environmentId` needs `environments:manage`."""
    return Envelope(data=service.create_client(caller(router), body))


@endpoint(
    router,
    "GET /v1/clients",
    scope="clients:manage",
    rate=RouteClass.GLOBAL,
    summary="List the environment's API clients",
)
def list_clients(limit: Limit = 20, cursor: PageCursor = None) -> CursorPage[Client]:
    """Clarion's cursor paging (`limit`, `cursor`) of the clients of the caller's environment, revoked ones included;
    never a key."""
    clients, next_cursor = service.list_clients(caller(router), limit=limit, cursor=cursor)
    return CursorPage(data=clients, limit=limit, hasMore=next_cursor is not None, nextCursor=next_cursor)


@endpoint(
    router,
    "GET /v1/clients/{clientId}",
    scope="clients:manage",
    rate=RouteClass.GLOBAL,
    summary="Get an API client (never its key)",
)
def get_client(clientId: ClientId) -> Envelope[Client]:
    """The client's name, scopes, status, key hint and who changed it when; never the key. An unknown client, or another
    environment's, is a 404."""
    return Envelope(data=service.get_client(caller(router), clientId))


@endpoint(
    router,
    "DELETE /v1/clients/{clientId}",
    scope="clients:manage",
    rate=RouteClass.CONFIGURATION,
    summary="Revoke an API client: its key stops working",
)
def revoke_client(clientId: ClientId) -> Envelope[Client]:
    """Marks the client `revoked`: its key stops working, and the client stays listed with its audit trail. Revoking it
    again changes nothing."""
    return Envelope(data=service.revoke_client(caller(router), clientId))


@endpoint(
    router,
    "PUT /v1/clients/{clientId}/scopes",
    scope="clients:manage",
    rate=RouteClass.CONFIGURATION,
    summary="Set a client's scopes (fine scopes or bundles)",
)
def set_scopes(clientId: ClientId, body: SetScopesRequest) -> Envelope[Client]:
    """Replaces the client's scopes (bundles are expanded); a scope the caller does not hold itself cannot be granted. A
    revoked client is a 409."""
    return Envelope(data=service.set_scopes(caller(router), clientId, body.scopes))


@endpoint(
    router,
    "POST /v1/clients/{clientId}/rotate",
    scope="clients:manage",
    rate=RouteClass.CONFIGURATION,
    summary="Issue a new key; the old one stops working",
)
def rotate_key(clientId: ClientId) -> Envelope[ClientWithKey]:
    """Issues a new key for the client, shown this once; the old key stops working at once. A revoked client is a
    409."""
    return Envelope(data=service.rotate_key(caller(router), clientId))


@endpoint(
    router,
    "GET /v1/clients/{clientId}/audit",
    scope="clients:manage",
    rate=RouteClass.GLOBAL,
    summary="Every change to a client: who, when, before, after",
)
def client_audit(clientId: ClientId, limit: Limit = 20, cursor: PageCursor = None) -> CursorPage[AuditEntry]:
    """Every change to the client, newest first (created, scopes changed, key rotated, revoked): who made it, when, and
    the scopes before and after. Cursor-paged with `limit` and `cursor`."""
    entries, next_cursor = service.client_audit(caller(router), clientId, limit=limit, cursor=cursor)
    return CursorPage(data=entries, limit=limit, hasMore=next_cursor is not None, nextCursor=next_cursor)
