"""Email through any SMTP server (stdlib smtplib): implicit TLS (`secure`), or STARTTLS when the server offers it
(required with `requireTls`, never tried with `ignoreTls`), then AUTH when a user is given.

Failures: no connection, a timeout, a dropped connection, an authentication refusal or a 4xx reply are transient
(an outage or a fixable setting: failed over to the next integration, then retried); a 5xx reply to the message
or its recipient is permanent."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from clarion.delivery.errors import DeliveryFailure, PermanentFailure, TransientFailure
from clarion.delivery.providers import required
from clarion.delivery.providers.email_envelope import envelope_of
from clarion.models import Request
from clarion.subscribers.validation import Email

if TYPE_CHECKING:
    from clarion.store import entities

TIMEOUT_SECONDS = 10
SECRET_FIELDS = frozenset({"user", "password"})


class Credentials(Request):
    host: str = Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.\-\[\]:]+$")
    port: int = Field(ge=1, le=65535)
    user: str | None = Field(default=None, min_length=1, max_length=256)
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    secure: bool = Field(default=False, description="Implicit TLS from the first byte (usually port 465)")
    requireTls: bool = Field(default=False, description="Refuse to send unless STARTTLS succeeds")
    ignoreTls: bool = Field(default=False, description="Never try STARTTLS")
    from_: Email = Field(alias="from")
    senderName: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _coherent(self) -> "Credentials":
        if self.requireTls and self.ignoreTls:
            raise ValueError("requireTls and ignoreTls exclude each other")
        if self.password and not self.user:
            raise ValueError("a password needs a user")
        return self


class SmtpEmail:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def send(self, record: "entities.DeliveryRecord") -> str:
        message = self._message(record)
        try:
            with self._connect() as connection:
                self._secure(connection)
                if self.credentials.user:
                    connection.login(self.credentials.user, self.credentials.password or "")
                connection.send_message(message)
        except DeliveryFailure:
            raise
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise _reply_failure(min(codes) if codes else 550, "recipient refused") from error
        except smtplib.SMTPResponseException as error:
            raise _reply_failure(error.smtp_code, type(error).__name__) from error
        except (smtplib.SMTPException, OSError) as error:  # refused, unreachable, timed out, dropped
            raise TransientFailure(type(error).__name__) from error
        return str(message["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        host, port = self.credentials.host, self.credentials.port
        if self.credentials.secure:
            return smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        return smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)

    def _secure(self, connection: smtplib.SMTP) -> None:
        if self.credentials.secure or self.credentials.ignoreTls:
            return
        connection.ehlo()
        if connection.has_extn("starttls"):
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        elif self.credentials.requireTls:
            raise TransientFailure("StartTlsUnavailable", "the SMTP server does not offer STARTTLS")

    def _message(self, record: "entities.DeliveryRecord") -> EmailMessage:
        """The message; its Cc and Bcc headers are recipients too (smtplib sends to them and drops Bcc)."""
        content = record["content"]
        envelope = envelope_of(record, sender=self.credentials.from_, sender_name=self.credentials.senderName)
        message = EmailMessage()
        message["Subject"] = required(record, "content", "subject")
        message["From"] = envelope.from_header
        message["To"] = envelope.to
        for header, addresses in (("Cc", envelope.cc), ("Bcc", envelope.bcc), ("Reply-To", envelope.reply_to)):
            if addresses:
                message[header] = ", ".join(addresses)
        message["Message-ID"] = make_msgid(idstring=str(record["_id"]), domain=envelope.sender.rpartition("@")[2])
        message.set_content(content.get("text") or "")
        message.add_alternative(required(record, "content", "html"), subtype="html")
        return message


def _reply_failure(code: int, reason: str) -> DeliveryFailure:
    failure = PermanentFailure if 500 <= code < 600 else TransientFailure
    return failure(f"SMTP {code}", reason)


def adapter(credentials: Credentials) -> SmtpEmail:
    return SmtpEmail(credentials)


def check(credentials: Credentials) -> None:
    """Nothing to check without sending: the server is reached on the first message."""
