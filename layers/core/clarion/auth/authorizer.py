"""The decision behind the Lambda authorizer: is this key allowed to call this route?"""

import threading
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import cachetools

from clarion import clock
from clarion.clients.keys import key_from_authorization, key_hash
from clarion.clients.repository import ClientsRepository
from clarion.principal import Principal
from clarion.scopes import ROUTE_SCOPES
from clarion.settings import settings


class Decision(NamedTuple):
    """Whether the gateway lets the call through to its function. A known key that lacks the route's scope is let
    through with its principal, so that the function's boundary answers a 403 naming the scope (an authorizer's own
    refusal is a bare 403): the function checks the scope again before it reads anything (clarion.api)."""

    principal: Principal | None
    reason: str
    missing_scope: str | None = None

    @property
    def allowed(self) -> bool:
        return self.principal is not None


@cache
def principal_for() -> Callable[[str], Principal | None]:
    """Key hash → principal (or None for an unknown key), cached for the TTL the template gives the gateway's cache;
    on clarion.clock, so the local runtime's clock ages it."""
    ttl = settings().auth_cache_ttl_seconds
    entries = cachetools.TTLCache[str, Principal | None](maxsize=10_000, ttl=ttl, timer=clock.monotonic)
    return cachetools.cached(entries, lock=threading.Lock())(_read_principal)


def authorize(route_key: str, authorization: str | None) -> Decision:
    scope = ROUTE_SCOPES.get(route_key)
    if scope is None:
        return Decision(None, "route has no scope")
    key = key_from_authorization(authorization)
    if key is None:
        return Decision(None, "authorization is not 'Bearer <key>' or 'ApiKey <key>'")
    principal = principal_for()(key_hash(key))
    if principal is None:
        return Decision(None, "unknown, revoked or rotated key")
    if not principal.can(scope):
        return Decision(principal, f"key lacks scope '{scope}'", missing_scope=scope)
    return Decision(principal, "allowed")


def _read_principal(hashed_key: str) -> Principal | None:
    return ClientsRepository().find_principal(hashed_key)
