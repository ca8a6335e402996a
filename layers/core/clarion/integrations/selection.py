"""Which integrations may deliver a message, decided at dispatch time where the profile and payload are at hand.

The candidates of a message are the active, non-deleted integrations of its channel whose conditions match the
subscriber's profile and the trigger's payload: those with conditions before those without, then primary
first, then oldest first. None means the environment has
no active integration for the channel: the stack's default provider delivers, as before integrations existed.
A trigger naming an integration (Novu's `overrides.<channel>.integrationIdentifier`) gets that one alone, whatever
its conditions, as Novu does. The environment's integrations are read once per dispatcher run (one Query), not once
per recipient."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clarion.conditions import matches
from clarion.dynamo import Item
from clarion.store.integrations import IntegrationsRepository

if TYPE_CHECKING:
    from clarion.store import entities

NO_MATCH = "no active integration matches"


class _RunCache:
    """The integrations read for one dispatch job: a new job (another object) reads them again."""

    def __init__(self) -> None:
        self.job: Any = None
        self.by_environment: dict[str, list[entities.Integration]] = {}
        self.lock = threading.Lock()

    def integrations(self, job: Any, environment_id: str) -> list[entities.Integration]:
        with self.lock:
            if self.job is not job:
                self.job, self.by_environment = job, {}
            if environment_id not in self.by_environment:
                self.by_environment[environment_id] = active_integrations(environment_id)
            return self.by_environment[environment_id]


_run = _RunCache()


def active_integrations(environment_id: str) -> list[entities.Integration]:
    """The integrations of the environment that may send: active and not deleted."""
    return [i for i in IntegrationsRepository().all(environment_id) if i["active"] and not i.get("deleted")]


def named_integration(
    integrations: list[entities.Integration], channel: str, identifier: str
) -> entities.Integration | None:
    return next((i for i in integrations if i["channel"] == channel and i["identifier"] == identifier), None)


def candidates(
    job: Any, channel: str, profile: Mapping[str, Any], payload: Item, *, named: str | None = None
) -> list[Item] | None:
    """The ordered `{_id, providerId, identifier}` of the integrations that may send; [] when the environment has
    active integrations for the channel and none matches, or `named` (an integration's identifier) is not one of
    them; None when it has none (the stack default sends)."""
    active = _run.integrations(job, job["environmentId"])
    if named is not None:
        integration = named_integration(active, channel, named)
        return [_candidate(integration)] if integration else []
    of_channel = [i for i in active if i["channel"] == channel]
    if not of_channel:
        return None
    sources = {"subscriber": profile, "payload": payload}
    chosen = [i for i in of_channel if matches(i.get("conditions") or [], sources)]
    # a matching conditional integration is the more specific choice: it outranks those without conditions
    chosen.sort(key=lambda i: (not i.get("conditions"), not i.get("primary"), i["createdAt"], i["_id"]))
    return [_candidate(i) for i in chosen]


def _candidate(integration: entities.Integration) -> Item:
    return {name: integration[name] for name in ("_id", "providerId", "identifier")}
