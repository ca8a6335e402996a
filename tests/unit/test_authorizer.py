"""The authorizer's decision (clarion.auth.authorizer) for a key and a route, on clients in the in-memory store:
allowed, missing scope, unknown, revoked or rotated keys, malformed authorization, and its warm principal cache."""

import uuid

import pytest

from clarion.auth import authorizer
from clarion.clients import keys, service
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.scopes import ROUTE_SCOPES
from clarion.settings import settings
from tests.unit.conftest import StillClock

LIST_CLIENTS = "GET /v1/clients"
TRIGGER = "POST /v1/events/trigger"


@pytest.fixture(autouse=True)
def _tables(memory_tables):
    authorizer.principal_for.cache_clear()  # a fresh container: no principal cached, the TTL read anew
    yield memory_tables
    authorizer.principal_for.cache_clear()


@pytest.fixture
def frozen_clock(use_clock) -> StillClock:
    return use_clock(1_800_000_000.0)


def issue(scopes: list[str], *, environment_id: str | None = None, rate_limits=None) -> tuple[str, str, str]:
    """A stored client with `scopes`: (key, clientId, environmentId)."""
    environment_id = environment_id or new_id()
    issuer = Principal(new_id(), environment_id, frozenset(ROUTE_SCOPES.values()))
    client = service.issue_client(issuer, f"client {uuid.uuid4()}", environment_id, scopes, rate_limits=rate_limits)
    return client.key, client.clientId, environment_id


def test_a_key_with_the_routes_scope_is_allowed_with_its_principal():
    key, client_id, environment_id = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    decision = authorizer.authorize(LIST_CLIENTS, f"Bearer {key}")
    assert decision.allowed and decision.reason == "allowed" and decision.missing_scope is None
    assert decision.principal == Principal(client_id, environment_id, frozenset({ROUTE_SCOPES[LIST_CLIENTS]}))


def test_the_apikey_scheme_is_accepted_like_bearer():
    key, _, _ = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    assert authorizer.authorize(LIST_CLIENTS, f"ApiKey {key}").allowed


def test_a_key_lacking_the_routes_scope_is_let_through_naming_the_missing_scope():
    key, client_id, _ = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    decision = authorizer.authorize(TRIGGER, f"Bearer {key}")
    assert decision.allowed and decision.principal is not None and decision.principal.client_id == client_id
    assert decision.missing_scope == ROUTE_SCOPES[TRIGGER]
    assert ROUTE_SCOPES[TRIGGER] in decision.reason


def test_the_principal_carries_the_clients_own_rate_limits():
    key, _, _ = issue([ROUTE_SCOPES[TRIGGER]], rate_limits={"trigger": 9})
    decision = authorizer.authorize(TRIGGER, f"Bearer {key}")
    assert decision.principal is not None and decision.principal.rate_limits == (("trigger", 9),)


def test_an_unknown_key_is_refused():
    decision = authorizer.authorize(LIST_CLIENTS, f"Bearer {keys.new_key()}")
    assert not decision.allowed and decision.principal is None and decision.missing_scope is None
    assert decision.reason == "unknown, revoked or rotated key"


def test_a_revoked_key_is_refused():
    key, client_id, environment_id = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    service.revoke_client(Principal(new_id(), environment_id, frozenset()), client_id)
    assert not authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed


def test_after_rotation_the_old_key_is_refused_and_the_new_one_allowed():
    key, client_id, environment_id = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    rotated = service.rotate_key(Principal(new_id(), environment_id, frozenset()), client_id)
    assert not authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed
    assert authorizer.authorize(LIST_CLIENTS, f"Bearer {rotated.key}").allowed


@pytest.mark.parametrize(
    "authorization",
    [None, "{key}", "Token {key}"],
    ids=["absent", "no scheme", "unknown scheme"],  # the parsing itself: tests/unit/test_keys.py
)
def test_a_malformed_authorization_is_refused_without_a_principal(authorization):
    key, _, _ = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    decision = authorizer.authorize(LIST_CLIENTS, authorization.format(key=key) if authorization else authorization)
    assert not decision.allowed and decision.missing_scope is None
    assert "Bearer" in decision.reason


@pytest.mark.parametrize("route_key", ["GET /v1/nowhere", "get /v1/clients"])
def test_a_route_without_a_scope_is_refused_whatever_the_key(route_key):
    key, _, _ = issue(sorted(set(ROUTE_SCOPES.values())))
    decision = authorizer.authorize(route_key, f"Bearer {key}")
    assert not decision.allowed and decision.reason == "route has no scope"


def test_a_warm_authorizer_keeps_answering_a_revoked_key_until_the_cache_ttl_runs_out(frozen_clock, monkeypatch):
    monkeypatch.setenv("AUTH_CACHE_TTL_SECONDS", "30")
    settings.cache_clear()
    authorizer.principal_for.cache_clear()
    key, client_id, environment_id = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    assert authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed
    service.revoke_client(Principal(new_id(), environment_id, frozenset()), client_id)
    frozen_clock.now += 29
    assert authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed
    frozen_clock.now += 2
    assert not authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed


def test_an_unknown_key_is_cached_too_until_the_ttl_runs_out(frozen_clock, monkeypatch):
    monkeypatch.setenv("AUTH_CACHE_TTL_SECONDS", "10")
    settings.cache_clear()
    authorizer.principal_for.cache_clear()
    key = keys.new_key()
    assert not authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed
    environment_id = new_id()
    issuer = Principal(new_id(), environment_id, frozenset(ROUTE_SCOPES.values()))
    service.issue_client(issuer, "late", environment_id, [ROUTE_SCOPES[LIST_CLIENTS]], key)
    assert not authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed
    frozen_clock.now += 11
    assert authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed


def test_a_ttl_of_zero_reads_the_key_on_every_call(frozen_clock, monkeypatch):
    monkeypatch.setenv("AUTH_CACHE_TTL_SECONDS", "0")
    settings.cache_clear()
    authorizer.principal_for.cache_clear()
    key, client_id, environment_id = issue([ROUTE_SCOPES[LIST_CLIENTS]])
    assert authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed
    service.revoke_client(Principal(new_id(), environment_id, frozenset()), client_id)
    assert not authorizer.authorize(LIST_CLIENTS, f"Bearer {key}").allowed
