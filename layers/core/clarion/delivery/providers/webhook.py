"""Chat messages: an HTTP POST of `{"text": body}` to the subscriber's webhook URL."""

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from clarion.delivery.errors import PermanentFailure, TransientFailure, http_failure
from clarion.delivery.providers import required
from clarion.models import Request

if TYPE_CHECKING:
    from clarion.store import entities

TIMEOUT_SECONDS = 5
REASON_BYTES = 200
SECRET_FIELDS: frozenset[str] = frozenset()


class Credentials(Request):
    """The URL is the subscriber's (its chat channel credentials): nothing to configure."""


class Webhook:
    def send(self, record: "entities.DeliveryRecord") -> str:
        url = required(record, "to", "webhookUrl")
        if urlsplit(url).scheme not in ("http", "https"):
            raise PermanentFailure("UnsupportedUrl", "the webhook URL is not http(s)")
        body = json.dumps({"text": required(record, "content", "body")}).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310
                pass
        except urllib.error.HTTPError as error:
            raise http_failure(error.code, error.read(REASON_BYTES).decode(errors="replace")) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TransientFailure(type(error).__name__) from error
        return str(record["_id"])


def adapter(credentials: Credentials) -> Webhook:
    return PROVIDER


def check(credentials: Credentials) -> None:
    """Each subscriber's webhook is reached when a message is sent."""


PROVIDER = Webhook()
