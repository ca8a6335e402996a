"""GET /inbox: the try-it page of `<clarion-inbox>`, and GET /inbox/clarion-inbox.js, the component's one built file.

The page embeds the component for a subscriber of the local stack's Development environment, chosen on the page (a
list of the environment's first subscribers, or any id: a session creates the subscriber). Development needs no
`hmacHash` unless `widgetHmacRequired` is turned on for it, so the page sends none; the component is served from the
API's own origin, so no CORS origin needs listing either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from local.events import HttpRequest
from local.gateway import Response

PATH = "/inbox"
PAGE = Path(__file__).with_name("inbox.html")
BUNDLE = Path(__file__).with_name("static") / "clarion-inbox.js"
_CONFIG = "/*INBOX_CONFIG*/{}"


@dataclass
class InboxSetup:
    """What the page offers: the environment's application identifier, some of its subscribers' ids, and the WebSocket
    API's URL the component connects to (None: it only polls)."""

    applicationIdentifier: str | None
    subscriberIds: list[str] = field(default_factory=list)
    socketUrl: str | None = None


class InboxPage:
    def __init__(self, setup: Callable[[], InboxSetup]) -> None:
        self.setup = setup

    def __call__(self, request: HttpRequest) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return None
        path = request.raw_path.rstrip("/")
        headers = {"cache-control": "no-store"}
        if path == PATH:
            # `<` escaped: no value (a subscriber id) can close the script element the configuration sits in
            config = json.dumps(asdict(self.setup())).replace("<", "\\u003c")
            page = PAGE.read_text().replace(_CONFIG, config)
            return Response(200, headers | {"content-type": "text/html; charset=utf-8"}, page.encode())
        if path == f"{PATH}/clarion-inbox.js":
            return Response(200, headers | {"content-type": "text/javascript; charset=utf-8"}, BUNDLE.read_bytes())
        return None
