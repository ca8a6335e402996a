"""Novu's `Idempotency-Key` header on the trigger routes: a retry answers the first response and sends nothing more.

Powertools' idempotency utility keeps the keys in IdempotencyTable (one item per key, so keys spread over the
table's partitions), keyed by a hash of the environment and the header: keys are per environment. A request with a
claimed key is answered from the claim: the stored response when the first request completed (status and body as
they were, plus `Idempotency-Replay: true`, added by the response hook), a 409 while it is still in progress, a
422 naming the header when the body differs (the payload validation hash of method, path and canonical body).
Only successes are kept (24 h): a refused request raises inside the idempotent function, which releases its key so
the corrected request can use it. A claim whose invocation died (timed out) can be taken over once the invocation's
deadline has passed (the Lambda context is registered for each request).
"""

import hashlib
import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from aws_lambda_powertools.utilities.idempotency.serialization.base import BaseIdempotencySerializer

from clarion.aws import client
from clarion.errors import Conflict, ValidationFailed
from clarion.settings import settings

HEADER = "Idempotency-Key"
# Novu's header is Idempotency-Replay; Idempotency-Replayed is the IETF draft's spelling: clients read either
REPLAY_HEADERS = {"Idempotency-Replay": "true", "Idempotency-Replayed": "true"}
RETENTION_SECONDS = 24 * 3600
KEY_PREFIX = "trigger"  # the stored keys do not move when this module or the function is renamed
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
    idempotent, config = _idempotent_route()
    config.register_lambda_context(app.lambda_context)
    try:
        response: Response = idempotent(request=request, app=app, next_middleware=next_middleware)
    except _NotKept as refused:
        return refused.response
    except IdempotencyValidationError:
        raise ValidationFailed(f"Request with key '{key}' is being reused for a different body", field=HEADER) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(f"Request with key '{key}' is currently being processed; retry it later", field=HEADER) from None
    return response


def request_hash(method: str, path: str, body: str | None) -> str:
    """The same request hashes the same whatever its JSON's key order and spacing."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body else ""
    except ValueError:
        canonical = body or ""
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


class _NotKept(Exception):
    """A response that is not a success: raised so that Powertools releases the key, then answered as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _run_route(request: dict[str, str], app: Any, next_middleware: NextMiddleware) -> Response:
    response = next_middleware(app)
    if not 200 <= response.status_code < 300:
        raise _NotKept(response)
    return response


class StoredResponse(BaseIdempotencySerializer):
    """A route's Response as the item keeps it: its status and body text."""

    def to_dict(self, data: Response) -> dict[str, Any]:
        return {"status": data.status_code, "body": _body_text(data.body)}

    def from_dict(self, data: dict[str, Any]) -> Response:
        body = data["body"]
        return Response(int(data["status"]), "application/json" if body else None, body)


@cache
def _idempotent_route() -> tuple[Callable[..., Response], IdempotencyConfig]:
    """`_run_route` made idempotent on `request`, with its config (made on first use: it creates a client)."""
    config = IdempotencyConfig(
        event_key_jmespath="[environmentId, key]",
        payload_validation_jmespath="request",
        expires_after_seconds=RETENTION_SECONDS,
        hash_function="sha256",
        response_hook=_replayed,
    )
    persistence = DynamoDBPersistenceLayer(table_name=settings().idempotency_table, boto3_client=client("dynamodb"))
    idempotent = idempotent_function(
        data_keyword_argument="request",
        config=config,
        persistence_store=persistence,
        output_serializer=StoredResponse(),
        key_prefix=KEY_PREFIX,
    )(_run_route)
    return idempotent, config


def _replayed(response: Response, idempotent_data: DataRecord) -> Response:
    """Powertools' response hook: runs only when the response comes from a stored record."""
    response.headers.update(REPLAY_HEADERS)
    return response


def _body_text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode()
    return body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
