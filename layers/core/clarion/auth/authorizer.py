"""The decision behind the Lambda authorizer: is this key allowed to call this route?"""

from dataclasses import dataclass
from functools import cache

from clarion.auth.cache import TtlCache
from clarion.clients.keys import key_from_authorization, key_hash
from clarion.clients.repository import ClientsRepository
from clarion.principal import Principal
from clarion.scopes import ROUTE_SCOPES
from clarion.settings import settings


@dataclass(frozen=True)
class Decision:
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
def principal_cache() -> TtlCache[Principal | None]:
    """Key hash → principal (or None for an unknown key), for the TTL the template gives the gateway's cache."""
    return TtlCache(ttl_seconds=settings().auth_cache_ttl_seconds, max_entries=10_000)


def authorize(route_key: str, authorization: str | None) -> Decision:
    scope = ROUTE_SCOPES.get(route_key)
    if scope is None:
        return Decision(None, "route has no scope")
    key = key_from_authorization(authorization)
    if key is None:
        return Decision(None, "authorization is not 'Bearer <key>' or 'ApiKey <key>'")
    principal = _principal_for(key_hash(key))
    if principal is None:
        return Decision(None, "unknown, revoked or rotated key")
    if not principal.can(scope):
        return Decision(principal, f"key lacks scope '{scope}'", missing_scope=scope)
    return Decision(principal, "allowed")


def _principal_for(hashed_key: str) -> Principal | None:
    cache_ = principal_cache()
    found, principal = cache_.get(hashed_key)
    if not found:
        principal = ClientsRepository().find_principal(hashed_key)
        cache_.put(hashed_key, principal)
    return principal
