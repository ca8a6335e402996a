"""Integrations (Novu v1): which provider delivers a channel, with which credentials, under which conditions.

One primary per channel: the first active integration of a channel becomes primary; set-primary moves it (and
activates the integration); deactivating or deleting the primary hands it to the oldest other active one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from clarion.clock import timestamp_now
from clarion.delivery import credentials as secrets
from clarion.delivery.providers import provider_ids, provider_module
from clarion.dynamo import Item
from clarion.errors import NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.integrations.models import (
    MASK,
    CreateIntegrationRequest,
    Integration,
    UpdateIntegrationRequest,
)
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.integrations import IntegrationsRepository

if TYPE_CHECKING:
    from clarion.store import entities


def create_integration(caller: Principal, body: CreateIntegrationRequest) -> Integration:
    environment_id = caller.environment_id
    _same_environment(caller, body.environmentId)
    module = _provider(body.channel, body.providerId)
    credentials = _validated(module, body.providerId, body.credentials)
    if body.active and body.check:
        module.check(module.Credentials.model_validate(credentials))
    repository = IntegrationsRepository()
    existing = _live(repository.all(environment_id))
    now = timestamp_now()
    integration: entities.Integration = {
        "_id": new_id(),
        "environmentId": environment_id,
        "name": body.name or body.providerId,
        "identifier": body.identifier or f"{body.providerId}-{os.urandom(3).hex()}",
        "providerId": body.providerId,
        "channel": body.channel,
        "maskedCredentials": _masked(module, credentials),
        "active": body.active,
        "primary": body.active and not _primary_of(existing, body.channel),
        "conditions": [group.model_dump() for group in body.conditions],
        "deleted": False,
        "deletedAt": None,
        "deletedBy": None,
        "createdAt": now,
        "updatedAt": now,
    }
    secrets.create(environment_id, integration["_id"], credentials)
    try:
        repository.write(environment_id, [integration], claim=integration)
    except Exception:
        secrets.delete(environment_id, integration["_id"], at_once=True)
        raise
    return _shown(integration)


def list_integrations(caller: Principal, *, active_only: bool = False) -> list[Integration]:
    found = _live(IntegrationsRepository().all(caller.environment_id))
    return [_shown(item) for item in found if item["active"] or not active_only]


def get_integration(caller: Principal, integration_id: str) -> Integration:
    return _shown(_find(IntegrationsRepository().all(caller.environment_id), integration_id))


def update_integration(caller: Principal, integration_id: str, body: UpdateIntegrationRequest) -> Integration:
    environment_id = caller.environment_id
    _same_environment(caller, body.environmentId)
    repository = IntegrationsRepository()
    everything = repository.all(environment_id)
    read = _find(everything, integration_id)
    for field, sent in (("providerId", body.providerId), ("channel", body.channel)):
        if sent not in (None, read[field]):  # type: ignore[literal-required]
            raise ValidationFailed(f"an integration's {field} cannot change: create another integration", field=field)
    module = _provider(read["channel"], read["providerId"])
    changed = read.copy()
    new_credentials = None
    if body.credentials is not None:
        given = _unmasked(module, body.credentials, environment_id, read)
        new_credentials = _validated(module, read["providerId"], given)
        changed["maskedCredentials"] = _masked(module, new_credentials)
    if body.name is not None:
        changed["name"] = body.name
    if body.identifier is not None:
        changed["identifier"] = body.identifier
    if body.active is not None:
        changed["active"] = body.active
    if body.conditions is not None:
        changed["conditions"] = [group.model_dump() for group in body.conditions]
    if changed["active"] and body.check:
        current = new_credentials or secrets.read(environment_id, integration_id)
        module.check(module.Credentials.model_validate(current))
    changed["updatedAt"] = timestamp_now()
    others = [item for item in _live(everything) if item["_id"] != integration_id]
    writes = _with_primary(changed, others, make_primary=changed["active"] and not _primary_of(others, read["channel"]))
    if new_credentials is not None:
        secrets.replace(environment_id, integration_id, new_credentials)
    moved = changed["identifier"] != read["identifier"]
    repository.write(environment_id, writes, claim=changed if moved else None, release=read if moved else None)
    return _shown(changed)


def delete_integration(caller: Principal, integration_id: str) -> list[Integration]:
    """Soft delete (kept with deleted, deletedAt, deletedBy; its secret scheduled for deletion); the remaining
    integrations are returned, as Novu does."""
    environment_id = caller.environment_id
    repository = IntegrationsRepository()
    everything = repository.all(environment_id)
    read = _find(everything, integration_id)
    now = timestamp_now()
    deleted = read | {
        "deleted": True,
        "deletedAt": now,
        "deletedBy": caller.client_id,
        "active": False,
        "primary": False,
        "updatedAt": now,
    }
    others = [item for item in _live(everything) if item["_id"] != integration_id]
    repository.write(environment_id, _with_primary(deleted, others, make_primary=False), release=read)
    secrets.delete(environment_id, integration_id)
    return list_integrations(caller)


def set_primary(caller: Principal, integration_id: str) -> Integration:
    """Makes the integration its channel's primary, activating it; the channel's former primary stays active."""
    environment_id = caller.environment_id
    repository = IntegrationsRepository()
    everything = repository.all(environment_id)
    read = _find(everything, integration_id)
    changed = read | {"active": True, "updatedAt": timestamp_now()}
    others = [item for item in _live(everything) if item["_id"] != integration_id]
    repository.write(environment_id, _with_primary(changed, others, make_primary=True))
    return _shown(changed | {"primary": True})


def webhook_support(caller: Principal, provider_or_integration_id: str) -> bool:
    """Novu's delivery-webhook support of an integration (by its `_id`, or the first of a providerId): Clarion takes
    no provider delivery webhooks, so an integration that exists answers false."""
    found = [
        item
        for item in _live(IntegrationsRepository().all(caller.environment_id))
        if provider_or_integration_id in (item["_id"], item["providerId"])
    ]
    if not found:
        raise NotFound(f"integration for '{provider_or_integration_id}' not found", field="providerOrIntegrationId")
    return False


def _with_primary(
    changed: entities.Integration, others: list[entities.Integration], *, make_primary: bool
) -> list[entities.Integration]:
    """`changed` and the integrations of its channel whose primary flag must change with it."""
    channel = changed["channel"]
    writes = [changed]
    if make_primary:
        changed["primary"] = True
        for other in others:
            if other["channel"] == channel and other.get("primary"):
                writes.append(other | {"primary": False, "updatedAt": changed["updatedAt"]})
        return writes
    if not changed["active"] and changed.get("primary"):
        changed["primary"] = False
    if not changed.get("primary") and not _primary_of(others, channel):
        heir = next((o for o in others if o["channel"] == channel and o["active"]), None)
        if heir is not None:
            writes.append(heir | {"primary": True, "updatedAt": changed["updatedAt"]})
    return writes


def _provider(channel: str, provider_id: str) -> Any:
    try:
        return provider_module(channel, provider_id)
    except KeyError:
        known = ", ".join(provider_ids(channel))
        raise ValidationFailed(
            f"no provider '{provider_id}' for channel {channel}; use one of: {known}", field="providerId"
        ) from None


def _validated(module: Any, provider_id: str, credentials: Item) -> Item:
    """The credentials as the provider's model accepts them (by alias, unset fields left out); a refusal names the
    credential (a field another provider of Novu's takes is refused with the ones this provider takes)."""
    try:
        model = module.Credentials.model_validate(credentials)
    except ValidationError as error:
        detail = error.errors()[0]
        location = detail["loc"] or tuple(filter(None, [(detail.get("ctx") or {}).get("field")]))
        path = ".".join(str(part) for part in ("credentials", *location))
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            taken = [field.alias or name for name, field in module.Credentials.model_fields.items()]
            message = f"{provider_id} takes no {location[-1]} (it takes: {', '.join(taken) or 'nothing'})"
        raise ValidationFailed(f"{path}: {message}", field=path) from None
    dumped: Item = model.model_dump(by_alias=True, exclude_none=True, exclude_unset=True)
    return dumped


def _masked(module: Any, credentials: Item) -> Item:
    return {name: MASK if name in module.SECRET_FIELDS else value for name, value in credentials.items()}


def _unmasked(module: Any, given: Item, environment_id: str, read: entities.Integration) -> Item:
    """`given` with each MASK of a secret field replaced by the stored value."""
    masked = [name for name, value in given.items() if value == MASK and name in module.SECRET_FIELDS]
    if not masked:
        return dict(given)
    stored = secrets.read(environment_id, read["_id"])
    return {name: stored.get(name) if name in masked else value for name, value in given.items()}


def _same_environment(caller: Principal, environment_id: str | None) -> None:
    if environment_id is not None and environment_id != caller.environment_id:
        raise ValidationFailed("an API key manages the integrations of its own environment", field="_environmentId")


def _live(items: list[entities.Integration]) -> list[entities.Integration]:
    return [item for item in items if not item.get("deleted")]


def _primary_of(items: list[entities.Integration], channel: str) -> bool:
    return any(item["channel"] == channel and item.get("primary") and item["active"] for item in items)


def _find(items: list[entities.Integration], integration_id: str) -> entities.Integration:
    found = next((item for item in _live(items) if item["_id"] == integration_id), None)
    if found is None:
        raise NotFound(f"integration '{integration_id}' not found", field="integrationId")
    return found


def _shown(item: entities.Integration) -> Integration:
    return Integration.from_item(item, settings().organization_id)
