"""A campaign's trigger as Novu describes a workflow's: its identifier and the variables a trigger should send.

The workflows API and the activity feed (`template.triggers`) both answer it. Reading the templates costs jinja2's
import, paid by the first call only (a routes module importing this one pays nothing).
"""

from collections.abc import Iterator, Mapping
from typing import Any

from clarion.templates.render import payload_paths

ADDRESS_OF_CHANNEL = {"email": "email", "sms": "phone"}
"""The subscriber field a channel's messages need (Novu's `subscriberVariables`)."""


def trigger_variables(campaign: Mapping[str, Any]) -> list[str]:
    """The payload fields the campaign reads, in step order: every template of every step and locale
    (`{{ payload.order.id }}` → `order.id`), the digest and throttle keys, and the payload fields its branches test."""
    found: dict[str, None] = {}
    for step in campaign.get("steps") or []:
        for source in _templates_of(step):
            found.update(dict.fromkeys(payload_paths(source)))
        found.update(dict.fromkeys(_payload_fields_of(step)))
    return list(found)


def novu_trigger(campaign: Mapping[str, Any]) -> dict[str, Any]:
    """Novu's `triggers[0]`: `{type: "event", identifier, variables: [{name}], subscriberVariables: [{name}]}`."""
    channels = campaign.get("channels") or []
    addresses = dict.fromkeys(ADDRESS_OF_CHANNEL[channel] for channel in channels if channel in ADDRESS_OF_CHANNEL)
    return {
        "type": "event",
        "identifier": campaign["identifier"],
        "variables": [{"name": name} for name in trigger_variables(campaign)],
        "subscriberVariables": [{"name": name} for name in addresses],
    }


def _templates_of(step: Mapping[str, Any]) -> Iterator[str]:
    contents = [step.get("content"), *(step.get("locales") or {}).values()]
    for content in contents:
        yield from _strings(content)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _payload_fields_of(step: Mapping[str, Any]) -> Iterator[str]:
    for spec in (step.get("digest"), step.get("throttle")):
        if spec and spec.get("key"):
            yield spec["key"]
    for rule in step.get("branches") or []:
        for group in rule.get("conditions") or []:
            for condition in group.get("children") or []:
                if condition.get("on", "payload") == "payload" and condition.get("field"):
                    yield condition["field"]
