"""GET /local/outbox: what the local stack "sent" — the email SES accepted, the SMS and push SNS published.

moto keeps what it was asked to send in its backends; this page shows it so a user of `make run` can see a
trigger's result without an AWS account. Webhook (chat) messages go to the URL the subscriber gave, and
in-app messages are read through the feed API.

A browser (`Accept: text/html`) gets an HTML page (outbox.html: email rendered in sandboxed iframes, filters by
channel and recipient, refreshed every 2 seconds from the JSON); `?format=json`, `Accept: application/json` or any
other client (curl, requests) get the JSON. `?format=html` asks for the page whatever the Accept header says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from local.events import HttpRequest
from local.gateway import Response

PATH = "/local/outbox"
PAGE = Path(__file__).with_name("outbox.html")


class OutboxPage:
    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region

    def __call__(self, request: HttpRequest) -> Response | None:
        if request.method not in ("GET", "HEAD") or request.raw_path.rstrip("/") != PATH:
            return None
        headers = {"cache-control": "no-store", "vary": "accept"}
        if wants_html(request):
            return Response(200, headers | {"content-type": "text/html; charset=utf-8"}, PAGE.read_bytes())
        body = json.dumps(self.contents(), indent=2, default=str).encode()
        return Response(200, headers | {"content-type": "application/json"}, body)

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


def wants_html(request: HttpRequest) -> bool:
    """`?format=html|json` decides; else HTML only for a client that lists text/html ahead of application/json."""
    requested = parse_qs(request.raw_query).get("format", [""])[-1].lower()
    if requested in ("html", "json"):
        return requested == "html"
    accept = request.headers.get("accept", "").lower()
    html, json_ = accept.find("text/html"), accept.find("application/json")
    return html >= 0 and (json_ < 0 or html < json_)
