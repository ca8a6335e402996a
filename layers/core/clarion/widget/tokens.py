"""Subscriber tokens: compact JWTs (HS256) that name one subscriber of one environment and expire within the hour.

Signed with a key derived from the stack's signing secret under its own label, so a token can never pass as a chat
OAuth `state` or an application's `hmacHash`, nor the other way round.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import NamedTuple

from clarion import clock
from clarion.chat_oauth.config import signing_secret
from clarion.errors import Unauthorized

TOKEN_LIFETIME_SECONDS = 3600
_KEY_LABEL = b"widget-subscriber-token"
_HEADER = {"alg": "HS256", "typ": "JWT"}
_AUDIENCE = "clarion-widget"


class SubscriberSession(NamedTuple):
    environment_id: str
    subscriber_id: str
    expires_at: int | None = None
    """When the token that named it expires (epoch seconds; None for a session not read from a token)."""


class SubscriberTokens:
    def __init__(self, signing_secret: bytes) -> None:
        self._key = hmac.new(signing_secret, _KEY_LABEL, hashlib.sha256).digest()

    def issue(self, session: SubscriberSession, *, now: float) -> str:
        claims = {
            "aud": _AUDIENCE,
            "sub": session.subscriber_id,
            "environmentId": session.environment_id,
            "iat": int(now),
            "exp": int(now) + TOKEN_LIFETIME_SECONDS,
        }
        signed = f"{_encode_json(_HEADER)}.{_encode_json(claims)}"
        return f"{signed}.{self._signature(signed)}"

    def verify(self, token: str, *, now: float) -> SubscriberSession:
        """The session a token names; Unauthorized (401) when it is forged, malformed or expired."""
        signed, _, signature = token.rpartition(".")
        if not signed or not hmac.compare_digest(self._signature(signed).encode(), signature.encode()):
            raise Unauthorized("the subscriber token was not issued by this API", field="authorization")
        try:
            header, claims = (json.loads(_decode(part)) for part in signed.split("."))
            expires_at, audience = int(claims["exp"]), claims["aud"]
            session = SubscriberSession(str(claims["environmentId"]), str(claims["sub"]), expires_at)
        except (ValueError, KeyError, TypeError) as error:
            raise Unauthorized("the subscriber token is malformed", field="authorization") from error
        if header != _HEADER or audience != _AUDIENCE:
            raise Unauthorized("the subscriber token is malformed", field="authorization")
        if now >= expires_at:
            raise Unauthorized("the subscriber token has expired: initialize a new session", field="authorization")
        return session

    def _signature(self, signed: str) -> str:
        return _encode(hmac.new(self._key, signed.encode(), hashlib.sha256).digest())


def verify_token(token: str) -> SubscriberSession:
    """The session a subscriber token names, checked with the stack's signing secret at the clock's time: what every
    widget route and the WebSocket API's `$connect` do. Unauthorized (401) when it is forged, malformed or expired."""
    return SubscriberTokens(signing_secret()).verify(token, now=clock.epoch_seconds())


def _encode_json(value: Mapping[str, object]) -> str:
    return _encode(json.dumps(value, separators=(",", ":")).encode())


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error
