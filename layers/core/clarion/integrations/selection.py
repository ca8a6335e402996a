"""Which integrations may deliver a message, decided at dispatch time where the profile and payload are at hand.

The candidates of a message are the active, non-deleted integrations of its channel whose conditions match the
subscriber's profile and the trigger's payload: those with conditions before those without, then primary
first, then oldest first. None means the environment has
no active integration for the channel: the stack's default provider delivers, as before integrations existed.
The environment's integrations are read once per dispatcher run (one Query), not once per recipient."""

import threading
from typing import Any

from clarion.conditions import matches
from clarion.dynamo import Item
from clarion.integrations.repository import IntegrationsRepository

NO_MATCH = "no active integration matches"


class _RunCache:
    """The integrations read for one dispatch job: a new job (another object) reads them again."""

    def __init__(self) -> None:
        self.job: Any = None
        self.by_environment: dict[str, list[Item]] = {}
        self.lock = threading.Lock()

    def integrations(self, job: Any, environment_id: str) -> list[Item]:
        with self.lock:
            if self.job is not job:
                self.job, self.by_environment = job, {}
            if environment_id not in self.by_environment:
                found = IntegrationsRepository().all(environment_id)
                self.by_environment[environment_id] = [i for i in found if i["active"] and not i.get("deleted")]
            return self.by_environment[environment_id]


_run = _RunCache()


def candidates(job: Any, channel: str, profile: Item, payload: Item) -> list[Item] | None:
    """The ordered `{_id, providerId, identifier}` of the integrations that may send; [] when the environment has
    active integrations for the channel and none matches; None when it has none (the stack default sends)."""
    of_channel = [i for i in _run.integrations(job, job["environmentId"]) if i["channel"] == channel]
    if not of_channel:
        return None
    sources = {"subscriber": profile, "payload": payload}
    chosen = [i for i in of_channel if matches(i.get("conditions") or [], sources)]
    # a matching conditional integration is the more specific choice: it outranks those without conditions
    chosen.sort(key=lambda i: (not i.get("conditions"), not i.get("primary"), i["createdAt"], i["_id"]))
    return [{"_id": i["_id"], "providerId": i["providerId"], "identifier": i["identifier"]} for i in chosen]
