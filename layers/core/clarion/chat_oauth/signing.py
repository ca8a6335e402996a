"""The flow's signatures: each environment's subscriber HMAC key and the `state` the callback trusts.

Both derive from the stack's signing secret, so nothing per environment is stored.
"""

import base64
import binascii
import hashlib
import hmac
import json
from typing import NamedTuple

from clarion.errors import Forbidden

STATE_LIFETIME_SECONDS = 600
# the state key differs from every environment key: a subscriber's hmacHash can never pass as a state signature
_STATE_KEY_LABEL = b"chat-oauth-state"


class OAuthTarget(NamedTuple):
    """Whose credentials a flow sets: a subscriber of an environment, for a chat provider (and integration)."""

    environment_id: str
    subscriber_id: str
    provider_id: str
    integration_identifier: str | None = None


def environment_hmac_key(signing_secret: bytes, environment_id: str) -> str:
    """The key an application proves its subscriberIds with: hex HMAC-SHA256(signing secret, environmentId)."""
    return hmac.new(signing_secret, environment_id.encode(), hashlib.sha256).hexdigest()


def subscriber_hmac(hmac_key: str, subscriber_id: str) -> str:
    """What the application sends as `hmacHash`: hex HMAC-SHA256 of the subscriberId, keyed by its environment's key."""
    return hmac.new(hmac_key.encode(), subscriber_id.encode(), hashlib.sha256).hexdigest()


def verify_subscriber_hmac(hmac_key: str, subscriber_id: str, hmac_hash: str) -> None:
    expected = subscriber_hmac(hmac_key, subscriber_id).encode()
    if not hmac.compare_digest(expected, hmac_hash.lower().encode()):
        raise Forbidden("hmacHash is not the HMAC of this subscriberId under the environment's key", field="hmacHash")


class StateSigner:
    """`state` is `<base64url JSON>.<base64url HMAC-SHA256>`: the target of the flow and when it expires."""

    def __init__(self, signing_secret: bytes) -> None:
        self._key = hmac.new(signing_secret, _STATE_KEY_LABEL, hashlib.sha256).digest()

    def sign(self, target: OAuthTarget, *, now: float) -> str:
        claims = {
            "environmentId": target.environment_id,
            "subscriberId": target.subscriber_id,
            "providerId": target.provider_id,
            "integrationIdentifier": target.integration_identifier,
            "expiresAt": int(now) + STATE_LIFETIME_SECONDS,
        }
        payload = _encode(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{self._signature(payload)}"

    def verify(self, state: str, target: OAuthTarget, *, now: float) -> None:
        """Raises Forbidden unless this signer issued `state` for `target` and it has not expired."""
        payload, _, signature = state.partition(".")
        if not hmac.compare_digest(self._signature(payload).encode(), signature.encode()):
            raise Forbidden("state was not issued by this API", field="state")
        try:
            claims = json.loads(_decode(payload))
            issued_for = OAuthTarget(
                claims["environmentId"], claims["subscriberId"], claims["providerId"], claims["integrationIdentifier"]
            )
            expires_at = float(claims["expiresAt"])
        except (ValueError, KeyError, TypeError) as error:
            raise Forbidden("state was not issued by this API", field="state") from error
        if now >= expires_at:
            raise Forbidden("state has expired: start the connection again", field="state")
        if issued_for != target:
            raise Forbidden("state was issued for another subscriber, provider or environment", field="state")

    def _signature(self, payload: str) -> str:
        return _encode(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error
