"""Environments: each holds its own clients, subscribers, campaigns and messages."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

from clarion.chat_oauth.config import signing_secret
from clarion.chat_oauth.signing import environment_hmac_key
from clarion.clock import timestamp_now
from clarion.environments.models import (
    CreateEnvironmentRequest,
    Environment,
    SubscriberHmacKey,
    UpdateEnvironmentRequest,
)
from clarion.environments.repository import EnvironmentsRepository
from clarion.errors import NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.settings import settings

if TYPE_CHECKING:
    from clarion.store import entities


def list_environments() -> list[Environment]:
    return [Environment.model_validate(item) for item in EnvironmentsRepository().list_all()]


def create_environment(request: CreateEnvironmentRequest) -> Environment:
    repository = EnvironmentsRepository()
    if request.parentId and repository.get(request.parentId) is None:
        raise ValidationFailed(f"environment '{request.parentId}' does not exist", field="parentId")
    environment: entities.Environment = {
        "id": new_id(),
        "name": request.name,
        "organizationId": settings().organization_id,
        "identifier": secrets.token_urlsafe(9),
        "parentId": request.parentId,
        "slug": re.sub(r"[^a-z0-9]+", "-", request.name.lower()).strip("-") or "environment",
        "color": request.color,
        "createdAt": timestamp_now(),
    }
    repository.create(environment)
    return Environment.model_validate(environment)


def get_environment(environment_id: str) -> Environment:
    """The caller's environment (Novu's /v1/environments/me)."""
    environment = EnvironmentsRepository().get(environment_id)
    if environment is None:
        raise NotFound(f"environment '{environment_id}' not found", field="environmentId")
    return Environment.model_validate(environment)


def update_environment(environment_id: str, request: UpdateEnvironmentRequest) -> Environment:
    """Changes the settings given; none given answers the environment as it is."""
    repository = EnvironmentsRepository()
    changes = request.model_dump(exclude_none=True)
    environment = repository.update(environment_id, changes) if changes else repository.get(environment_id)
    if environment is None:
        raise NotFound(f"environment '{environment_id}' not found", field="environmentId")
    return Environment.model_validate(environment)


def subscriber_hmac_key(environment_id: str) -> SubscriberHmacKey:
    """Derived, not stored (see clarion.chat_oauth.signing): the same for as long as the signing secret is."""
    if EnvironmentsRepository().get(environment_id) is None:
        raise NotFound(f"environment '{environment_id}' not found", field="environmentId")
    return SubscriberHmacKey(
        environmentId=environment_id, hmacKey=environment_hmac_key(signing_secret(), environment_id)
    )
