"""One provider per channel behind one small interface; each is imported only by the sender that uses it."""

from importlib import import_module
from typing import Any, Protocol

from clarion.delivery.errors import PermanentFailure
from clarion.delivery.records import Channel
from clarion.dynamo import Item

MODULES: dict[Channel, str] = {
    "email": "ses_email",
    "sms": "sns_sms",
    "push": "sns_push",
    "in_app": "inbox",
    "chat": "webhook",
}


class Provider(Protocol):
    def send(self, record: Item) -> str:
        """Sends the claimed record's message; returns the provider's message id.
        Raises PermanentFailure (never retried) or TransientFailure (retried)."""
        ...


def provider_for(channel: Channel) -> Provider:
    provider: Provider = import_module(f"{__name__}.{MODULES[channel]}").PROVIDER
    return provider


def required(record: Item, section: str, name: str) -> Any:
    """`record[section][name]`; a record without it can never be sent."""
    value = (record.get(section) or {}).get(name)
    if value in (None, "", []):
        raise PermanentFailure("MissingField", f"{section}.{name} is missing")
    return value
