"""Powertools' idempotency utility around a trigger route (see clarion.engine.idempotency, which imports this
module only for a request carrying the header)."""

import json
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
from clarion.engine.idempotency import HEADER
from clarion.errors import Conflict, ValidationFailed
from clarion.settings import settings

# Novu's header is Idempotency-Replay; Idempotency-Replayed is the IETF draft's spelling: clients read either
REPLAY_HEADERS = {"Idempotency-Replay": "true", "Idempotency-Replayed": "true"}
RETENTION_SECONDS = 24 * 3600
KEY_PREFIX = "trigger"  # the stored keys do not move when this module or the function is renamed


def answer(request: dict[str, str], app: Any, next_middleware: NextMiddleware) -> Response:
    """The route's response to `request` (environment, key, request hash), run once per key."""
    idempotent, config = _idempotent_route()
    config.register_lambda_context(app.lambda_context)
    key = request["key"]
    try:
        response: Response = idempotent(request=request, app=app, next_middleware=next_middleware)
    except _NotKept as refused:
        return refused.response
    except IdempotencyValidationError:
        raise ValidationFailed(f"Request with key '{key}' is being reused for a different body", field=HEADER) from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(f"Request with key '{key}' is currently being processed; retry it later", field=HEADER) from None
    return response


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
