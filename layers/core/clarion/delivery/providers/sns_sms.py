"""SMS through SNS publish to a phone number."""

from clarion.aws import client
from clarion.delivery.errors import aws_failure
from clarion.delivery.providers import required
from clarion.dynamo import Item

TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


class SnsSms:
    def send(self, record: Item) -> str:
        try:
            response = client("sns").publish(
                PhoneNumber=required(record, "to", "phone"),
                Message=required(record, "content", "body"),
                MessageAttributes=TRANSACTIONAL,
            )
        except Exception as error:
            raise aws_failure(error) from error
        message_id: str = response["MessageId"]
        return message_id


PROVIDER = SnsSms()
