"""Novu's `Idempotency-Key` header on the trigger routes: a retry answers the first response and sends nothing more.

Powertools' idempotency utility keeps the keys in IdempotencyTable (one item per key, so keys spread over the
table's partitions), keyed by a hash of the environment and the header: keys are per environment. A request with a
claimed key is answered from the claim: the stored response when the first request completed (status and body as
they were, plus `Idempotency-Replay: true`, added by the response hook), a 409 while it is still in progress, a
422 naming the header when the body differs (the payload validation hash of method, path and canonical body).
Only successes are kept (24 h): a refused request raises inside the idempotent function, which releases its key so
the corrected request can use it. A claim whose invocation died (timed out) can be taken over once the invocation's
deadline has passed (the Lambda context is registered for each request). The utility and its DynamoDB layer (with
boto3, ~26 ms) load with the first request that carries the header (`clarion.engine.idempotency_store`), not at init.
"""

import hashlib
import json
import re
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from clarion.errors import ValidationFailed

HEADER = "Idempotency-Key"
_PRINTABLE_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")


def idempotent_requests(app: Any, next_middleware: NextMiddleware) -> Response:
    """Route middleware: runs after the request is validated, around the route's handler."""
    event = app.current_event
    key = next((value for name, value in (event.headers or {}).items() if name.lower() == HEADER.lower()), None)
    if key is None:
        return next_middleware(app)
    if not _PRINTABLE_KEY.match(key):
        raise ValidationFailed(f"{HEADER} must be 1 to 255 printable ASCII characters", field=HEADER, value=key)
    request = {
        "environmentId": (event.request_context.authorizer.get_lambda or {})["environmentId"],
        "key": key,
        "request": request_hash(event.http_method, event.path, event.decoded_body),
    }
    from clarion.engine.idempotency_store import answer  # noqa: PLC0415 - Powertools' idempotency and boto3: ~26 ms

    return answer(request, app, next_middleware)


def request_hash(method: str, path: str, body: str | None) -> str:
    """The same request hashes the same whatever its JSON's key order and spacing."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body else ""
    except ValueError:
        canonical = body or ""
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()
