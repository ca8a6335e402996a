"""Delivery records and jobs written as the dispatcher writes them, and what the providers (moto's SES and SNS)
received."""

import uuid
from typing import Any

from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from clarion.ids import new_id
from local.runtime import LocalRuntime

SENDERS = {"email": "EmailSenderFunction", "sms": "SmsSenderFunction", "push": "PushSenderFunction"}
SENDERS |= {"in_app": "InAppSenderFunction", "chat": "ChatSenderFunction"}


def write(runtime: LocalRuntime, channel: Any, to: dict[str, Any], content: dict[str, Any], **fields: Any) -> dict:
    """A delivery record written as the dispatcher writes it (`fields` override the record's)."""
    with runtime.registry.environment_of(SENDERS[channel]):
        from clarion.store.records import DeliveryRecords, new_record

        environment_id = fields.pop("environment_id", new_id())
        record = new_record(environment_id, fields.pop("subscriber_id", "user-1"), channel, to=to, content=content)
        DeliveryRecords().create_many([record | fields])
    return record | fields


def enqueue(runtime: LocalRuntime, record: dict[str, Any], environment_id: str | None = None) -> None:
    """The record's job sent to its channel's queue (naming `environment_id` instead of the record's if given)."""
    with runtime.registry.environment_of(SENDERS[record["channel"]]):
        from clarion.delivery import jobs

        job: Any = {"environmentId": environment_id or record["environmentId"], "messageId": record["_id"]}
        jobs.enqueue(record["channel"], [job])


def queue(runtime: LocalRuntime, channel: Any, to: dict[str, Any], content: dict[str, Any], **fields: Any) -> dict:
    record = write(runtime, channel, to, content, **fields)
    enqueue(runtime, record)
    return record


def stored(runtime: LocalRuntime, record: dict[str, Any]) -> dict[str, Any]:
    with runtime.registry.environment_of(SENDERS[record["channel"]]):
        from clarion.store.records import DeliveryRecords

        found = DeliveryRecords().get(record["environmentId"], record["_id"])
    assert found is not None
    return found


def emails_with_subject(runtime: LocalRuntime, subject: str) -> list[Any]:
    backend = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
    return [message for message in backend.sent_messages if message.subject == subject]


def sns_backend(runtime: LocalRuntime) -> Any:
    return sns_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]


def texts_to(runtime: LocalRuntime, phone: str) -> list[str]:
    return [message for number, message in sns_backend(runtime).sms_messages.values() if number == phone]


def new_phone() -> str:
    return f"+1555{uuid.uuid4().int % 10**7:07d}"


def endpoint_messages(runtime: LocalRuntime, token: str) -> list[str]:
    endpoints = sns_backend(runtime).platform_endpoints.values()
    return [message for endpoint in endpoints if endpoint.token == token for message in endpoint.messages.values()]
