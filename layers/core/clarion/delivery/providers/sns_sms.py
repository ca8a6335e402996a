"""SMS through SNS publish to a phone number; in the integration's AWS account and region when it names them
(Novu's `apiKey`, `secretKey`, `region`)."""

from typing import TYPE_CHECKING

from pydantic import Field

from clarion.delivery.errors import aws_failure
from clarion.delivery.providers import required
from clarion.delivery.providers.aws_account import SECRET_FIELDS as AWS_SECRET_FIELDS
from clarion.delivery.providers.aws_account import AwsAccount

if TYPE_CHECKING:
    from clarion.store import entities

TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
SECRET_FIELDS = AWS_SECRET_FIELDS


class Credentials(AwsAccount):
    senderId: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,11}$", description="Alphanumeric sender id")


class SnsSms:
    def __init__(self, sender_id: str | None = None, account: AwsAccount | None = None) -> None:
        self.account = account or AwsAccount()
        self.attributes = dict(TRANSACTIONAL)
        if sender_id:
            self.attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": sender_id}

    def send(self, record: "entities.DeliveryRecord") -> str:
        phone, body = required(record, "to", "phone"), required(record, "content", "body")  # missing: permanent
        try:
            response = self.account.client("sns", single_attempt=True).publish(
                PhoneNumber=phone, Message=body, MessageAttributes=self.attributes
            )
        except Exception as error:
            raise aws_failure(error) from error
        message_id: str = response["MessageId"]
        return message_id


def adapter(credentials: Credentials) -> SnsSms:
    return SnsSms(credentials.senderId, credentials)


def check(credentials: Credentials) -> None:
    """SNS SMS needs no per-integration resource."""


PROVIDER = SnsSms()
