"""What a chat provider's OAuth adapter does, and the token exchange's HTTP call (urllib: no dependency)."""

import json
import re
from http import HTTPStatus
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode

from clarion.chat_oauth.config import OAuthApp
from clarion.errors import ClarionError

TOKEN_EXCHANGE_TIMEOUT_SECONDS = 5.0
_MAX_ANSWER_BYTES = 64 * 1024


class ProviderRefused(ClarionError):
    """The provider answered, and said no (a bad or used code, a user who declined)."""

    status = HTTPStatus.BAD_REQUEST


class ProviderUnavailable(ClarionError):
    """The provider did not answer, or answered something that is not its API's answer."""

    status = HTTPStatus.BAD_GATEWAY


class ChatWebhook(NamedTuple):
    url: str
    channel: str | None = None


class ChatOAuthProvider(Protocol):
    provider_id: str

    def authorize_url(self, app: OAuthApp, *, redirect_uri: str, state: str) -> str:
        """Where the subscriber's browser goes to grant the app access."""
        ...

    def exchange_code(self, app: OAuthApp, *, code: str, redirect_uri: str) -> ChatWebhook:
        """The webhook the provider grants for `code`; raises ProviderRefused or ProviderUnavailable."""
        ...


def with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def post_form(provider_id: str, url: str, fields: dict[str, str]) -> tuple[int, Any]:
    """POST `fields` form-encoded; returns the status and the JSON answer (None when it is not JSON).
    Errors name the provider only: the URL, the code and the secret stay out of messages and logs."""
    import urllib.error  # noqa: PLC0415 - ~30 ms, only the callback route needs it
    import urllib.request  # noqa: PLC0415

    request = urllib.request.Request(  # noqa: S310 - OAuthApp only admits http(s) URLs
        url,
        data=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TOKEN_EXCHANGE_TIMEOUT_SECONDS) as answer:  # noqa: S310
            status, raw = answer.status, answer.read(_MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(_MAX_ANSWER_BYTES)
    except (urllib.error.URLError, TimeoutError, OSError):
        raise ProviderUnavailable(f"chat provider '{provider_id}' did not answer the token exchange") from None
    if status >= 500:
        raise ProviderUnavailable(f"chat provider '{provider_id}' failed the token exchange (HTTP {status})")
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def error_code(value: Any) -> str:
    """A provider's error code, fit to quote in a message: a short identifier, nothing else."""
    text = re.sub(r"[^\w.-]", "", str(value))[:64]
    return text or "unknown_error"
