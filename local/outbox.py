"""GET /local/outbox: what the local stack "sent" — the email SES accepted, the SMS and push SNS published.

moto keeps what it was asked to send in its backends; this page shows it so a user of `make run` can see a
trigger's result without an AWS account. Webhook (chat) messages go to the URL the subscriber gave, and
in-app messages are read through the feed API.
"""

from __future__ import annotations

import json
from typing import Any

from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from local.gateway import Response

PATH = "/local/outbox"


class OutboxPage:
    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region

    def __call__(self, method: str, path: str, query: str) -> Response | None:
        if method not in ("GET", "HEAD") or path.rstrip("/") != PATH:
            return None
        body = json.dumps(self.contents(), indent=2, default=str).encode()
        return Response(200, {"content-type": "application/json"}, body)

    def contents(self) -> dict[str, list[dict[str, Any]]]:
        ses = ses_backends[self.account_id][self.region]
        sns = sns_backends[self.account_id][self.region]
        return {
            "email": [
                {
                    "messageId": message.id,
                    "from": message.source,
                    "to": getattr(message, "destinations", {}),
                    "subject": getattr(message, "subject", None),
                    "body": getattr(message, "body", getattr(message, "raw_data", None)),
                }
                for message in ses.sent_messages
            ],
            "sms": [
                {"messageId": message_id, "phoneNumber": phone, "message": text}
                for message_id, (phone, text) in sns.sms_messages.items()
            ],
            "push": [
                {"endpointArn": arn, "token": endpoint.token, "messageId": message_id, "message": message}
                for arn, endpoint in sns.platform_endpoints.items()
                for message_id, message in endpoint.messages.items()
            ],
        }
