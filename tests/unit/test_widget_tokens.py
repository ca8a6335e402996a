"""Subscriber tokens (clarion.widget.tokens): issued for one subscriber of one environment, refused once expired,
forged, altered or signed by another stack; and no route that takes a client key accepts one."""

import base64
import json

import pytest

from clarion.auth import authorizer
from clarion.errors import Unauthorized
from clarion.scopes import ROUTE_SCOPES
from clarion.widget.tokens import TOKEN_LIFETIME_SECONDS, SubscriberSession, SubscriberTokens

NOW = 1_800_000_000.0
ADA = SubscriberSession("6b15d098b31832f1c286b3c9", "ada")
EXPIRES_AT = int(NOW) + TOKEN_LIFETIME_SECONDS  # what a token issued at NOW names


def part(claims: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")


def test_a_token_names_its_subscriber_and_environment():
    tokens = SubscriberTokens(b"secret")
    assert tokens.verify(tokens.issue(ADA, now=NOW), now=NOW + 10) == ADA._replace(expires_at=EXPIRES_AT)


def test_a_token_expires_after_its_lifetime():
    tokens = SubscriberTokens(b"secret")
    token = tokens.issue(ADA, now=NOW)
    assert tokens.verify(token, now=NOW + TOKEN_LIFETIME_SECONDS - 1) == ADA._replace(expires_at=EXPIRES_AT)
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify(token, now=NOW + TOKEN_LIFETIME_SECONDS)


def test_a_token_of_another_signing_secret_is_refused():
    token = SubscriberTokens(b"other").issue(ADA, now=NOW)
    with pytest.raises(Unauthorized, match="not issued"):
        SubscriberTokens(b"secret").verify(token, now=NOW)


def test_changed_claims_break_the_signature():
    tokens = SubscriberTokens(b"secret")
    header, _, signature = tokens.issue(ADA, now=NOW).split(".")
    claims = {"aud": "clarion-widget", "sub": "bob", "environmentId": ADA.environment_id, "exp": NOW + 60}
    with pytest.raises(Unauthorized, match="not issued"):
        tokens.verify(f"{header}.{part(claims)}.{signature}", now=NOW)


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c", "..", "x" * 40])
def test_malformed_tokens_are_refused(token):
    with pytest.raises(Unauthorized):
        SubscriberTokens(b"secret").verify(token, now=NOW)


@pytest.mark.parametrize("route_key", sorted(ROUTE_SCOPES))
def test_no_route_that_takes_a_client_key_accepts_a_subscriber_token(memory_tables, route_key):
    token = SubscriberTokens(b"secret").issue(ADA, now=NOW)
    authorizer.principal_for.cache_clear()
    assert not authorizer.authorize(route_key, f"Bearer {token}").allowed
    assert not authorizer.authorize(route_key, f"ApiKey {token}").allowed
