"""The rules a subscriber's fields follow, as plain checks (each raises ValueError saying what is wrong) and as
the pydantic types that apply them, so a bad field is a 422 that names it."""

import json
import re
import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from clarion.dynamo import storable_number

T = TypeVar("T")
MAX_EMAIL_LENGTH = 254
MAX_URL_LENGTH = 2048
MAX_DATA_BYTES = 16 * 1024
MAX_DATA_DEPTH = 32  # DynamoDB's limit on a stored document's nesting

# Novu's chat and push providers: the providers a subscriber can hold credentials for
CHAT_AND_PUSH_PROVIDERS = (
    "slack",
    "discord",
    "msteams",
    "mattermost",
    "ryver",
    "zulip",
    "grafana-on-call",
    "getstream",
    "rocket-chat",
    "whatsapp-business",
    "chat-webhook",
    "fcm",
    "apns",
    "expo",
    "one-signal",
    "pushpad",
    "push-webhook",
    "pusher-beams",
)

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
# BCP 47 language[-script][-region]: en, en-US, zh-Hant-TW, es-419 (tags are case-insensitive)
_LOCALE = re.compile(r"^[a-z]{2,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?$", re.IGNORECASE)


def check_email(value: str) -> str:
    local_part = value.partition("@")[0]
    if len(value) > MAX_EMAIL_LENGTH or len(local_part) > 64 or not _EMAIL.match(value):
        raise ValueError("is not a valid email address")
    return value


def check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("is not an E.164 phone number (+ then 7 to 15 digits, e.g. +14155550100)")
    return value


def check_locale(value: str) -> str:
    if not _LOCALE.match(value):
        raise ValueError("is not a BCP 47 locale (language[-Script][-REGION], e.g. en, en-US, zh-Hant-TW)")
    return value


@cache
def iana_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(value: str) -> str:
    if value not in iana_timezones():
        raise ValueError("is not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)")
    return value


def check_http_url(value: str) -> str:
    parts = urlsplit(value) if len(value) <= MAX_URL_LENGTH and value.isprintable() and " " not in value else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"is not an http(s) URL of at most {MAX_URL_LENGTH} characters")
    return value


def check_custom_data(value: dict[str, Any]) -> dict[str, Any]:
    try:
        serialized = json.dumps(value, separators=(",", ":"), allow_nan=False)
    except ValueError as error:
        raise ValueError("must be plain JSON (no NaN or Infinity)") from error
    if len(serialized.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"is larger than {MAX_DATA_BYTES // 1024} KB once serialized")
    _check_storable(value, depth=1)
    return value


def _check_storable(value: Any, depth: int) -> None:
    if depth > MAX_DATA_DEPTH:
        raise ValueError(f"nests deeper than {MAX_DATA_DEPTH} levels")
    if isinstance(value, dict):
        for inner in value.values():
            _check_storable(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            _check_storable(inner, depth + 1)
    elif isinstance(value, int | float) and not isinstance(value, bool) and not storable_number(value):
        raise ValueError(f"holds a number DynamoDB cannot store: {value!r}")


def check_provider(value: str) -> str:
    if value not in CHAT_AND_PUSH_PROVIDERS:
        raise ValueError(f"is not a chat or push provider; one of: {', '.join(CHAT_AND_PUSH_PROVIDERS)}")
    return value


def _rule(check: Callable[[T], T]) -> AfterValidator:
    """Applies `check` in a pydantic type, its message unprefixed: `email: is not a valid email address`."""

    def apply(value: T) -> T:
        try:
            return check(value)
        except ValueError as error:
            raise PydanticCustomError("invalid_value", str(error)) from error

    return AfterValidator(apply)


Email = Annotated[str, _rule(check_email)]
Phone = Annotated[str, _rule(check_phone)]
Locale = Annotated[str, _rule(check_locale)]
Timezone = Annotated[str, _rule(check_timezone)]
HttpUrl = Annotated[str, _rule(check_http_url)]
CustomData = Annotated[dict[str, Any], _rule(check_custom_data)]
ProviderId = Annotated[str, _rule(check_provider), Field(json_schema_extra={"enum": list(CHAT_AND_PUSH_PROVIDERS)})]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=256)]
DeviceToken = Annotated[str, StringConstraints(min_length=1, max_length=512, pattern=r"^\S+$")]
