"""Email through SES v2 from the message's sender, the integration's `from`, or the stack's verified identity; in the
integration's AWS account and region when it names them (Novu's `apiKey`, `secretKey`, `region`)."""

from typing import TYPE_CHECKING

from pydantic import Field

from clarion.delivery.errors import aws_failure
from clarion.delivery.providers import required
from clarion.delivery.providers.aws_account import SECRET_FIELDS as AWS_SECRET_FIELDS
from clarion.delivery.providers.aws_account import AwsAccount
from clarion.delivery.providers.email_envelope import envelope_of
from clarion.errors import ValidationFailed
from clarion.settings import settings
from clarion.subscribers.validation import Email
from clarion.suppressions.ses_feedback import ENVIRONMENT_TAG

if TYPE_CHECKING:
    from clarion.store import entities

SECRET_FIELDS = AWS_SECRET_FIELDS


class Credentials(AwsAccount):
    from_: Email | None = Field(default=None, alias="from", description="A verified SES identity; default: the stack's")
    senderName: str | None = Field(default=None, min_length=1, max_length=100)


class SesEmail:
    def __init__(
        self, from_address: str | None = None, sender_name: str | None = None, account: AwsAccount | None = None
    ) -> None:
        self.from_address = from_address
        self.sender_name = sender_name
        self.account = account or AwsAccount()

    def send(self, record: "entities.DeliveryRecord") -> str:
        content = record["content"]
        body = {"Html": {"Data": required(record, "content", "html"), "Charset": "UTF-8"}}
        if content.get("text"):
            body["Text"] = {"Data": content["text"], "Charset": "UTF-8"}
        envelope = envelope_of(
            record, sender=self.from_address or settings().sender_email, sender_name=self.sender_name
        )
        destination = {"ToAddresses": [envelope.to]}
        destination |= {"CcAddresses": envelope.cc} if envelope.cc else {}
        destination |= {"BccAddresses": envelope.bcc} if envelope.bcc else {}
        reply_to = {"ReplyToAddresses": envelope.reply_to} if envelope.reply_to else {}
        subject = required(record, "content", "subject")  # outside the try: a missing field is permanent
        try:
            response = self.account.client("sesv2", single_attempt=True).send_email(
                FromEmailAddress=envelope.from_header,
                Destination=destination,
                **reply_to,
                # SES bounce and complaint notifications carry the tag: clarion.suppressions.ses_feedback
                EmailTags=[{"Name": ENVIRONMENT_TAG, "Value": record["environmentId"]}],
                Content={
                    "Simple": {
                        "Subject": {"Data": subject, "Charset": "UTF-8"},
                        "Body": body,
                    }
                },
            )
        except Exception as error:
            raise aws_failure(error) from error
        message_id: str = response["MessageId"]
        return message_id


def adapter(credentials: Credentials) -> SesEmail:
    return SesEmail(credentials.from_, credentials.senderName, credentials)


def check(credentials: Credentials) -> None:
    """The sender identity (the address, or its domain) must be verified in SES, in the integration's account and
    region."""
    address = credentials.from_ or settings().sender_email
    for identity in (address, address.rpartition("@")[2]):
        try:
            found = credentials.client("sesv2").get_email_identity(EmailIdentity=identity)
        except Exception as error:
            if aws_failure(error).code != "NotFoundException":
                raise
            continue
        if found.get("VerifiedForSendingStatus") or found.get("VerificationStatus") == "SUCCESS":
            return
    raise ValidationFailed("the sender identity is not verified in SES", field="credentials.from")


PROVIDER = SesEmail()
