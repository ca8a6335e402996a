"""Novu's `Idempotency-Key` header on the trigger routes: a retry answers the first response and sends nothing more.

The key is claimed per environment with a conditional PutItem BEFORE the work, holding a hash of the request
(method, path, body). A request with a claimed key is answered from the claim: the stored response when the first
request completed (status and body as they were, plus `Idempotency-Replay: true`), a 409 while it is still in
progress, a 422 naming the header when the body differs. Only successes are kept (24 h); a refused request
releases its key, so the corrected request can use it. A claim whose request died without releasing it (a
timed-out invocation) can be taken over once its lock has run out.
"""

import hashlib
import json
import re
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from clarion import clock
from clarion.aws import client
from clarion.dynamo import DynamoTable, Expression, Item
from clarion.errors import Conflict, ValidationFailed
from clarion.settings import settings
from clarion.store.keys import IDEMPOTENCY_SK, idempotency_pk

HEADER = "Idempotency-Key"
# Novu's header is Idempotency-Replay; Idempotency-Replayed is the IETF draft's spelling: clients read either
REPLAY_HEADERS = {"Idempotency-Replay": "true", "Idempotency-Replayed": "true"}
RETENTION_SECONDS = 24 * 3600
LOCK_SECONDS = 60  # well over the triggers function's timeout
_PRINTABLE_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")


def idempotent_requests(app: Any, next_middleware: NextMiddleware) -> Response:
    """Route middleware: runs after the request is validated, around the route's handler."""
    event = app.current_event
    key = next((value for name, value in (event.headers or {}).items() if name.lower() == HEADER.lower()), None)
    if key is None:
        return next_middleware(app)
    if not _PRINTABLE_KEY.match(key):
        raise ValidationFailed(f"{HEADER} must be 1 to 255 printable ASCII characters", field=HEADER, value=key)
    environment_id = (event.request_context.authorizer.get_lambda or {})["environmentId"]
    keys = IdempotencyKeys()
    this_request = request_hash(event.http_method, event.path, event.decoded_body)
    claim = keys.claim(environment_id, key, this_request)
    if claim is not None:
        return _answer_from(claim, key, this_request)
    try:
        response = next_middleware(app)
    except BaseException:
        keys.release(environment_id, key)
        raise
    if 200 <= response.status_code < 300:
        keys.complete(environment_id, key, response.status_code, _body_text(response.body))
    else:
        keys.release(environment_id, key)
    return response


def _answer_from(claim: Item, key: str, hashed_request: str) -> Response:
    if claim["requestHash"] != hashed_request:
        raise ValidationFailed(f"Request with key '{key}' is being reused for a different body", field=HEADER)
    if claim["state"] != "completed":
        raise Conflict(f"Request with key '{key}' is currently being processed; retry it later", field=HEADER)
    body = claim["responseBody"]
    return Response(claim["responseStatus"], "application/json" if body else None, body, headers=REPLAY_HEADERS)


def request_hash(method: str, path: str, body: str | None) -> str:
    """The same request hashes the same whatever its JSON's key order and spacing."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body else ""
    except ValueError:
        canonical = body or ""
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _body_text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode()
    return body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))


class IdempotencyKeys:
    """The keys' claims in MessagesTable: pk `ENV#<env>#IDEMPOTENCY#<key>`, sk `IDEMPOTENCY`, TTL `expiresAt`."""

    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def claim(self, environment_id: str, key: str, hashed_request: str) -> Item | None:
        """None when the key is now this request's; otherwise the claim that holds it (re-read, consistent)."""
        now = int(clock.epoch_seconds())
        pk = idempotency_pk(environment_id, key)
        item: Item = {
            "pk": pk,
            "sk": IDEMPOTENCY_SK,
            "requestHash": hashed_request,
            "state": "in_progress",
            "lockedUntil": now + LOCK_SECONDS,
            "expiresAt": now + RETENTION_SECONDS,
        }
        free = Expression(
            "attribute_not_exists(pk) OR expiresAt < :now OR (#state = :in_progress AND lockedUntil < :now)",
            names={"#state": "state"},
            values={":now": now, ":in_progress": "in_progress"},
        )
        if self.table.put(item, free):
            return None
        held = self.table.get(pk, IDEMPOTENCY_SK, consistent=True)
        # released between the put and the read: its request failed; still in progress as far as this one knows
        return held or item

    def complete(self, environment_id: str, key: str, status: int, body: str) -> None:
        update = Expression(
            "SET #state = :completed, responseStatus = :status, responseBody = :body",
            names={"#state": "state"},
            values={":completed": "completed", ":status": status, ":body": body},
        )
        self.table.update(idempotency_pk(environment_id, key), IDEMPOTENCY_SK, update)

    def release(self, environment_id: str, key: str) -> None:
        delete = self.table.delete_op(idempotency_pk(environment_id, key), IDEMPOTENCY_SK)["Delete"]
        client("dynamodb").delete_item(**delete)
