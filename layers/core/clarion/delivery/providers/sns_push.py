"""Mobile push through SNS platform endpoints (FCM or APNs), one endpoint per device token."""

import json
import re
from typing import TYPE_CHECKING, Any

from pydantic import Field

from clarion.aws import client
from clarion.delivery.errors import PermanentFailure, aws_failure
from clarion.delivery.providers import required
from clarion.dynamo import Item
from clarion.errors import ValidationFailed
from clarion.models import Request
from clarion.settings import settings

if TYPE_CHECKING:
    from clarion.store import entities

SECRET_FIELDS: frozenset[str] = frozenset()

# CreatePlatformEndpoint refuses a token whose endpoint exists with other attributes (e.g. disabled); it names it.
EXISTING_ENDPOINT = re.compile(r"Endpoint (arn:\S+) already exists")


class Credentials(Request):
    platformApplicationArn: str | None = Field(
        default=None,
        pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:app/(GCM|APNS|APNS_SANDBOX)/[\w.-]+$",
        description="The SNS platform application (FCM or APNs) to publish through; default: the stack's",
    )


class SnsPush:
    def __init__(self, application_arn: str | None = None) -> None:
        self.application_arn = application_arn

    def send(self, record: "entities.DeliveryRecord") -> str:
        provider_id = required(record, "to", "providerId")
        application = self.application_arn or _application_arn(provider_id)
        message = _message(provider_id, record["content"])
        sent = []
        for token in required(record, "to", "deviceTokens"):
            try:
                endpoint = _endpoint(application, token)
                sent.append(
                    client("sns", single_attempt=True).publish(
                        TargetArn=endpoint, MessageStructure="json", Message=message
                    )
                )
            except Exception as error:
                failure = aws_failure(error)
                if failure.code != "EndpointDisabled":
                    raise failure from error
        if not sent:
            raise PermanentFailure("EndpointDisabled", "every device token's endpoint is disabled")
        return ",".join(response["MessageId"] for response in sent)


def _application_arn(provider_id: str) -> str:
    arns = {"fcm": settings().fcm_platform_application_arn, "apns": settings().apns_platform_application_arn}
    if provider_id not in arns:
        raise PermanentFailure("UnknownProvider", f"push provider {provider_id!r} is neither fcm nor apns")
    return arns[provider_id]


def _endpoint(application_arn: str, token: str) -> str:
    try:
        arn: str = client("sns").create_platform_endpoint(PlatformApplicationArn=application_arn, Token=token)[
            "EndpointArn"
        ]
    except Exception as error:
        existing = EXISTING_ENDPOINT.search(str(error))
        if existing is None:
            raise
        return existing.group(1)
    return arn


def _message(provider_id: str, content: Item) -> str:
    """The JSON message structure: a payload for the token's platform and a default for any other."""
    title, body, data = content.get("title") or "", content.get("body") or "", content.get("data") or {}
    payloads: dict[str, Any] = {"default": body}
    if provider_id == "fcm":
        payloads["GCM"] = json.dumps({"notification": {"title": title, "body": body}, "data": data})
    else:
        apns = json.dumps({"aps": {"alert": {"title": title, "body": body}}, **data})
        payloads |= {"APNS": apns, "APNS_SANDBOX": apns}
    return json.dumps(payloads)


def adapter(credentials: Credentials) -> SnsPush:
    return SnsPush(credentials.platformApplicationArn)


def check(credentials: Credentials) -> None:
    """The platform application must exist (the stack's are checked when none is named)."""
    arns = [credentials.platformApplicationArn] if credentials.platformApplicationArn else []
    arns = arns or [
        arn for arn in (settings().fcm_platform_application_arn, settings().apns_platform_application_arn) if arn
    ]
    for arn in arns:
        try:
            client("sns").get_platform_application_attributes(PlatformApplicationArn=arn)
        except Exception as error:
            if aws_failure(error).code not in ("NotFound", "NotFoundException", "InvalidParameter"):
                raise
            raise ValidationFailed(
                "the SNS platform application does not exist", field="credentials.platformApplicationArn"
            ) from error


PROVIDER = SnsPush()
