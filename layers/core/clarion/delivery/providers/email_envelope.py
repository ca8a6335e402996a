"""Who an email is from and to, as every email provider sends it: the message's own sender (a trigger's
`overrides.email` or the step's `from`) before the provider's, and a trigger's senderName, replyTo, cc and bcc."""

from __future__ import annotations

from email.utils import formataddr
from typing import TYPE_CHECKING, NamedTuple

from clarion.delivery.providers import required

if TYPE_CHECKING:
    from clarion.store import entities


class Envelope(NamedTuple):
    sender: str
    sender_name: str | None
    to: str
    cc: list[str]
    bcc: list[str]
    reply_to: list[str]

    @property
    def from_header(self) -> str:
        return formataddr((self.sender_name, self.sender)) if self.sender_name else self.sender


def envelope_of(record: entities.DeliveryRecord, *, sender: str, sender_name: str | None) -> Envelope:
    """The record's envelope; `sender` and `sender_name` are the provider's, used when the message has none."""
    content = record["content"]
    return Envelope(
        sender=content.get("from") or sender,
        sender_name=content.get("senderName") or sender_name,
        to=required(record, "to", "email"),
        cc=_addresses(content.get("cc")),
        bcc=_addresses(content.get("bcc")),
        reply_to=_addresses(content.get("replyTo")),
    )


def _addresses(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(address) for address in value]
