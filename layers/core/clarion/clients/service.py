"""What can be done with API clients: the rules, independent of HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clarion.clients import keys
from clarion.clients.models import (
    ApiKey,
    AuditEntry,
    Client,
    ClientWithKey,
    CreateClientRequest,
    RegeneratedApiKey,
)
from clarion.clients.repository import Change, ClientsRepository
from clarion.clock import timestamp_now
from clarion.environments.repository import EnvironmentsRepository
from clarion.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.limits import RouteClass, stack_limit
from clarion.principal import Principal
from clarion.scopes import expand_scopes

if TYPE_CHECKING:
    from clarion.store import entities

ISSUE_FOR_ANY_ENVIRONMENT = "environments:manage"


def create_client(caller: Principal, request: CreateClientRequest) -> ClientWithKey:
    environment_id = _target_environment(caller, request.environmentId)
    scopes = _grantable(caller, request.scopes)
    rate_limits = _grantable_limits(caller, {str(name): limit for name, limit in (request.rateLimits or {}).items()})
    return issue_client(caller, request.name, environment_id, scopes, rate_limits=rate_limits)


def issue_client(
    caller: Principal,
    name: str,
    environment_id: str,
    scopes: list[str],
    key: str | None = None,
    *,
    rate_limits: Mapping[str, int] | None = None,
) -> ClientWithKey:
    """Stores a new client with `key` (a new one if None) and returns it with the key, the only time it is shown."""
    key, now = key or keys.new_key(), timestamp_now()
    client: entities.Client = {
        "clientId": new_id(),
        "name": name,
        "environmentId": environment_id,
        "scopes": scopes,
        "status": "active",
        "keyHash": keys.key_hash(key),
        "keyHint": keys.key_hint(key),
        "createdAt": now,
        "createdBy": caller.client_id,
        "updatedAt": now,
        "updatedBy": caller.client_id,
    }
    if rate_limits:
        client["rateLimits"] = dict(rate_limits)
    ClientsRepository().create(client, client["keyHash"], Change("created", caller.client_id, now, None, scopes))
    return ClientWithKey(**_public(client), key=key)


def list_clients(caller: Principal, *, limit: int, cursor: str | None) -> tuple[list[Client], str | None]:
    page = ClientsRepository().list_page(caller.environment_id, limit=limit, cursor=cursor)
    return [Client(**_public(item)) for item in page.items], page.cursor


def api_keys(caller: Principal) -> list[ApiKey]:
    """The environment's working keys, masked (Novu's /v1/environments/api-keys): one per active client."""
    clients = ClientsRepository().all(caller.environment_id)
    return [
        ApiKey(
            id=client["clientId"],
            key=client["keyHint"],
            userId=client["clientId"],
            name=client["name"],
            createdAt=client["createdAt"],
        )
        for client in clients
        if client["status"] == "active"
    ]


def regenerate_own_key(caller: Principal) -> list[RegeneratedApiKey]:
    """Novu's regenerate: the calling client's key is rotated (its other clients keep theirs)."""
    rotated = rotate_key(caller, caller.client_id)
    return [RegeneratedApiKey(id=rotated.clientId, key=rotated.key, userId=rotated.clientId)]


def get_client(caller: Principal, client_id: str) -> Client:
    return Client(**_public(_existing(caller, client_id)))


def set_scopes(caller: Principal, client_id: str, requested: list[str]) -> Client:
    client = _existing(caller, client_id, active=True)
    scopes = _grantable(caller, requested)
    if scopes == client["scopes"]:
        return Client(**_public(client))
    change = Change("scopes_changed", caller.client_id, timestamp_now(), client["scopes"], scopes)
    ClientsRepository().set_scopes(client, scopes, change)
    return Client(**_public(client | {"scopes": scopes, "updatedAt": change.at, "updatedBy": change.by}))


def rotate_key(caller: Principal, client_id: str) -> ClientWithKey:
    client = _existing(caller, client_id, active=True)
    key = keys.new_key()
    change = Change("key_rotated", caller.client_id, timestamp_now(), client["scopes"], client["scopes"])
    ClientsRepository().rotate(client, keys.key_hash(key), keys.key_hint(key), change)
    rotated = client | {"keyHint": keys.key_hint(key), "updatedAt": change.at, "updatedBy": change.by}
    return ClientWithKey(**_public(rotated), key=key)


def revoke_client(caller: Principal, client_id: str) -> Client:
    client = _existing(caller, client_id)
    if client["status"] == "revoked":
        return Client(**_public(client))
    change = Change("revoked", caller.client_id, timestamp_now(), client["scopes"], None)
    ClientsRepository().revoke(client, change)
    return Client(**_public(client | {"status": "revoked", "updatedAt": change.at, "updatedBy": change.by}))


def client_audit(
    caller: Principal, client_id: str, *, limit: int, cursor: str | None
) -> tuple[list[AuditEntry], str | None]:
    _existing(caller, client_id)
    page = ClientsRepository().audit(caller.environment_id, client_id, limit=limit, cursor=cursor)
    return [_audit_entry(item) for item in page.items], page.cursor


def _existing(caller: Principal, client_id: str, *, active: bool = False) -> entities.Client:
    """A client of the caller's environment; another environment's client is as absent as a missing one."""
    client = ClientsRepository().get(caller.environment_id, client_id)
    if client is None:
        raise NotFound(f"client '{client_id}' not found", field="clientId")
    if active and client["status"] != "active":
        raise Conflict(f"client '{client_id}' is revoked", field="clientId")
    return client


def _target_environment(caller: Principal, requested: str | None) -> str:
    if requested is None or requested == caller.environment_id:
        return caller.environment_id
    if not caller.can(ISSUE_FOR_ANY_ENVIRONMENT):
        raise Forbidden(
            f"issuing a key for another environment needs the '{ISSUE_FOR_ANY_ENVIRONMENT}' scope",
            field="environmentId",
        )
    if EnvironmentsRepository().get(requested) is None:
        raise ValidationFailed(f"environment '{requested}' does not exist", field="environmentId", value=requested)
    return requested


def _grantable(caller: Principal, requested: list[str]) -> list[str]:
    """The expanded scopes, refusing any the caller does not hold itself: a key never grants more than it has."""
    scopes = expand_scopes(requested)
    beyond = [scope for scope in scopes if not caller.can(scope)]
    if beyond:
        raise Forbidden(f"cannot grant scopes the calling client does not hold: {', '.join(beyond)}", field="scopes")
    return scopes


def _grantable_limits(caller: Principal, requested: Mapping[str, int]) -> dict[str, int]:
    """Rate limits for a new key, refusing any above the caller's own: a key never grants more than it has. A class
    the request omits gets the caller's own limit where it has one (the stack's otherwise), not the stack's."""
    own = dict(caller.rate_limits)
    for name, limit in requested.items():
        ceiling = own.get(name) or stack_limit(RouteClass(name))
        if ceiling and limit > ceiling:
            raise Forbidden(
                f"cannot grant a {name} rate limit above the calling client's ({ceiling})", field=f"rateLimits.{name}"
            )
    return {name: limit for name, limit in own.items() if limit} | dict(requested)


def _audit_entry(item: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(**{k: item[k] for k in AuditEntry.model_fields})


def _public(item: Mapping[str, Any]) -> dict[str, object]:
    return {name: item[name] for name in Client.model_fields if name in item}
