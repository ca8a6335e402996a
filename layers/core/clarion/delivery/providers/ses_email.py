"""Email through SES v2 from the message's sender or the stack's verified identity."""

from clarion.aws import client
from clarion.delivery.errors import aws_failure
from clarion.delivery.providers import required
from clarion.dynamo import Item
from clarion.settings import settings


class SesEmail:
    def send(self, record: Item) -> str:
        content = record["content"]
        body = {"Html": {"Data": required(record, "content", "html"), "Charset": "UTF-8"}}
        if content.get("text"):
            body["Text"] = {"Data": content["text"], "Charset": "UTF-8"}
        try:
            response = client("sesv2").send_email(
                FromEmailAddress=content.get("from") or settings().sender_email,
                Destination={"ToAddresses": [required(record, "to", "email")]},
                Content={
                    "Simple": {
                        "Subject": {"Data": required(record, "content", "subject"), "Charset": "UTF-8"},
                        "Body": body,
                    }
                },
            )
        except Exception as error:
            raise aws_failure(error) from error
        message_id: str = response["MessageId"]
        return message_id


PROVIDER = SesEmail()
