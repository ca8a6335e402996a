"""The chat OAuth signatures: environment HMAC keys, subscribers' hmacHash and the signed state."""

import hashlib
import hmac

import pytest

from clarion.chat_oauth.signing import (
    STATE_LIFETIME_SECONDS,
    OAuthTarget,
    StateSigner,
    environment_hmac_key,
    subscriber_hmac,
    verify_subscriber_hmac,
)
from clarion.errors import Forbidden

SECRET = b"stack-signing-secret"
ENVIRONMENT = "6650f0c2a1b2c3d4e5f60718"
TARGET = OAuthTarget(ENVIRONMENT, "ada", "slack", None)
NOW = 1_800_000_000.0


def test_an_environments_key_is_the_hex_hmac_of_its_id_under_the_signing_secret():
    key = environment_hmac_key(SECRET, ENVIRONMENT)
    assert key == hmac.new(SECRET, ENVIRONMENT.encode(), hashlib.sha256).hexdigest()
    assert environment_hmac_key(SECRET, "6650f0c2a1b2c3d4e5f60719") != key
    assert environment_hmac_key(b"another secret", ENVIRONMENT) != key


def test_a_subscribers_hash_is_what_a_backend_computes_with_the_key_as_text():
    key = environment_hmac_key(SECRET, ENVIRONMENT)
    # what Novu's docs have backends do: createHmac("sha256", key).update(subscriberId).digest("hex")
    assert subscriber_hmac(key, "ada") == hmac.new(key.encode(), b"ada", hashlib.sha256).hexdigest()


def test_the_right_hash_passes_in_either_case():
    key = environment_hmac_key(SECRET, ENVIRONMENT)
    verify_subscriber_hmac(key, "ada", subscriber_hmac(key, "ada"))
    verify_subscriber_hmac(key, "ada", subscriber_hmac(key, "ada").upper())


@pytest.mark.parametrize("hmac_hash", ["", "0" * 64, "not hex at all", "é" * 64, "f" * 63])
def test_any_other_hash_is_forbidden_naming_hmac_hash(hmac_hash):
    with pytest.raises(Forbidden) as refused:
        verify_subscriber_hmac(environment_hmac_key(SECRET, ENVIRONMENT), "ada", hmac_hash)
    assert refused.value.field == "hmacHash"


def test_a_hash_for_another_subscriber_is_forbidden():
    key = environment_hmac_key(SECRET, ENVIRONMENT)
    with pytest.raises(Forbidden):
        verify_subscriber_hmac(key, "ada", subscriber_hmac(key, "bob"))


def test_a_state_verifies_for_its_target_until_it_expires():
    signer = StateSigner(SECRET)
    state = signer.sign(TARGET, now=NOW)
    signer.verify(state, TARGET, now=NOW + STATE_LIFETIME_SECONDS - 1)
    with pytest.raises(Forbidden, match="expired"):
        signer.verify(state, TARGET, now=NOW + STATE_LIFETIME_SECONDS)


@pytest.mark.parametrize(
    "other",
    [
        OAuthTarget("6650f0c2a1b2c3d4e5f60719", "ada", "slack", None),
        OAuthTarget(ENVIRONMENT, "bob", "slack", None),
        OAuthTarget(ENVIRONMENT, "ada", "discord", None),
        OAuthTarget(ENVIRONMENT, "ada", "slack", "slack-prod"),
    ],
)
def test_a_state_is_forbidden_for_any_other_target(other):
    signer = StateSigner(SECRET)
    with pytest.raises(Forbidden, match="another") as refused:
        signer.verify(signer.sign(TARGET, now=NOW), other, now=NOW)
    assert refused.value.field == "state"


def test_a_state_signed_with_another_secret_is_forbidden():
    state = StateSigner(b"another secret").sign(TARGET, now=NOW)
    with pytest.raises(Forbidden, match="not issued"):
        StateSigner(SECRET).verify(state, TARGET, now=NOW)


def test_a_state_with_a_changed_payload_is_forbidden():
    signer = StateSigner(SECRET)
    signature = signer.sign(TARGET, now=NOW).split(".")[1]
    forged = StateSigner(SECRET).sign(OAuthTarget(ENVIRONMENT, "bob", "slack"), now=NOW).split(".")[0]
    with pytest.raises(Forbidden, match="not issued"):
        signer.verify(f"{forged}.{signature}", TARGET, now=NOW)


@pytest.mark.parametrize("state", ["", "abc", "a.b", ".", "é.é", "x" * 3000])
def test_a_state_that_is_not_one_is_forbidden(state):
    with pytest.raises(Forbidden) as refused:
        StateSigner(SECRET).verify(state, TARGET, now=NOW)
    assert refused.value.field == "state"


def test_a_subscribers_hash_never_serves_as_a_state_signature():
    """The state key is not an environment's key: a backend that hashes any subscriberId it is given (say the
    text of a state's payload) hands out nothing that forges a state."""
    signer = StateSigner(SECRET)
    payload = signer.sign(TARGET, now=NOW).split(".")[0]
    signature = subscriber_hmac(environment_hmac_key(SECRET, ENVIRONMENT), payload)
    with pytest.raises(Forbidden):
        signer.verify(f"{payload}.{signature}", TARGET, now=NOW)
