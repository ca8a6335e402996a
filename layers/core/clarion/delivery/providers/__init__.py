"""The providers behind one small interface; each module is imported only when a sender (or a check) needs it.

A provider module exposes `PROVIDER` (the stack's default for its channel, used when an environment has no
integration for the channel) and, to be chosen by an integration (clarion.integrations):
- `Credentials`: the pydantic model of its credentials (unknown fields refused);
- `SECRET_FIELDS`: the credential names the API never shows in clear;
- `adapter(credentials) -> Provider`: a provider sending with those (validated) credentials;
- `check(credentials) -> None`: raises ValidationFailed naming the credential that cannot work.
Adding a provider is one module and one line of ADAPTERS.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from clarion.delivery.errors import PermanentFailure
from clarion.dynamo import Item
from clarion.store.records import Channel

if TYPE_CHECKING:
    from clarion.store import entities

MODULES: dict[Channel, str] = {
    "email": "ses_email",
    "sms": "sns_sms",
    "push": "sns_push",
    "in_app": "inbox",
    "chat": "webhook",
}
# (channel, providerId) → module: the providers an integration can name; Novu's ids of the same providers too
# (nodemailer is Novu's SMTP, novu its inbox; its Slack, Discord and Teams integrations post to the subscriber's
# webhook URL, as Clarion's webhook does)
ADAPTERS: dict[tuple[str, str], str] = {
    ("email", "ses"): "ses_email",
    ("email", "smtp"): "smtp_email",
    ("email", "nodemailer"): "smtp_email",
    ("sms", "sns"): "sns_sms",
    ("push", "sns"): "sns_push",
    ("in_app", "clarion"): "inbox",
    ("in_app", "novu"): "inbox",
    ("chat", "webhook"): "webhook",
    ("chat", "slack"): "webhook",
    ("chat", "discord"): "webhook",
    ("chat", "msteams"): "webhook",
}


class Provider(Protocol):
    def send(self, record: entities.DeliveryRecord) -> str:
        """Sends the claimed record's message; returns the provider's message id.
        Raises PermanentFailure (never retried) or TransientFailure (retried, or failed over)."""
        ...


def provider_for(channel: Channel) -> Provider:
    """The stack's default provider of the channel."""
    provider: Provider = import_module(f"{__name__}.{MODULES[channel]}").PROVIDER
    return provider


def provider_ids(channel: str) -> list[str]:
    return [provider_id for (known, provider_id) in ADAPTERS if known == channel]


def provider_module(channel: str, provider_id: str) -> ModuleType:
    """The module of an integration's provider; KeyError when the channel has no such provider."""
    return import_module(f"{__name__}.{ADAPTERS[(channel, provider_id)]}")


def adapter_for(channel: str, provider_id: str, credentials: Item) -> Provider:
    """A provider sending with an integration's credentials."""
    module = provider_module(channel, provider_id)
    provider: Provider = module.adapter(module.Credentials.model_validate(credentials))
    return provider


def required(record: Mapping[str, Any], section: str, name: str) -> Any:
    """`record[section][name]`; a record without it can never be sent."""
    value = (record.get(section) or {}).get(name)
    if value in (None, "", []):
        raise PermanentFailure("MissingField", f"{section}.{name} is missing")
    return value
