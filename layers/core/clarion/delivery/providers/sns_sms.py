"""SMS through SNS publish to a phone number."""

from typing import TYPE_CHECKING

from pydantic import Field

from clarion.aws import client
from clarion.delivery.errors import aws_failure
from clarion.delivery.providers import required
from clarion.models import Request

if TYPE_CHECKING:
    from clarion.store import entities

TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
SECRET_FIELDS: frozenset[str] = frozenset()


class Credentials(Request):
    senderId: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,11}$", description="Alphanumeric sender id")


class SnsSms:
    def __init__(self, sender_id: str | None = None) -> None:
        self.attributes = dict(TRANSACTIONAL)
        if sender_id:
            self.attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": sender_id}

    def send(self, record: "entities.DeliveryRecord") -> str:
        phone, body = required(record, "to", "phone"), required(record, "content", "body")  # missing: permanent
        try:
            response = client("sns", single_attempt=True).publish(
                PhoneNumber=phone, Message=body, MessageAttributes=self.attributes
            )
        except Exception as error:
            raise aws_failure(error) from error
        message_id: str = response["MessageId"]
        return message_id


def adapter(credentials: Credentials) -> SnsSms:
    return SnsSms(credentials.senderId)


def check(credentials: Credentials) -> None:
    """SNS SMS needs no per-integration resource."""


PROVIDER = SnsSms()
