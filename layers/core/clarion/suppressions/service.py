"""What can be done with suppressions; independent of HTTP. The engine asks `suppressions.lookup` before it
sends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from clarion.clock import timestamp_now
from clarion.errors import NotFound, ValidationFailed
from clarion.models import NovuPage
from clarion.principal import Principal
from clarion.suppressions.addresses import normalized
from clarion.suppressions.models import AddSuppressionsResult, Suppression, SuppressionEntry, SuppressionResult
from clarion.suppressions.repository import SuppressionsRepository

if TYPE_CHECKING:
    from clarion.store import entities

CHANNELS = ("email", "sms")
"""The channels that send to an address; push, chat and in-app address devices, webhooks and inboxes instead."""


def add_suppressions(
    environment_id: str, entries: Iterable[SuppressionEntry], *, source: str = "api"
) -> AddSuppressionsResult:
    """Suppresses each address (entries hold normalised addresses); one already suppressed keeps its first reason.
    Safe to repeat: an add that is run again reports `existing` and changes nothing."""
    repository = SuppressionsRepository()
    results = []
    now = timestamp_now()
    for entry in entries:
        item: entities.Suppression = {
            "channel": entry.channel,
            "address": entry.address,
            "reason": entry.reason,
            "source": source,
            "createdAt": now,
        }
        status = "added" if repository.add(environment_id, item) else "existing"
        results.append(SuppressionResult(channel=entry.channel, address=entry.address, status=status))
    return AddSuppressionsResult(results=results)


def list_suppressions(caller: Principal, channel: str, *, page: int, limit: int) -> NovuPage[Suppression]:
    repository = SuppressionsRepository()
    items, has_more = repository.list_page(caller.environment_id, channel, offset=page * limit, limit=limit)
    return NovuPage(
        page=page,
        pageSize=limit,
        totalCount=repository.count(caller.environment_id, channel),
        hasMore=has_more,
        data=[_view(item) for item in items],
    )


def get_suppression(caller: Principal, channel: str, address: str) -> Suppression:
    """The address's suppression; a 404 when it is not suppressed (in this environment)."""
    found = SuppressionsRepository().get(caller.environment_id, channel, _checked(channel, address))
    if found is None:
        raise _not_found(channel, address)
    return _view(found)


def remove_suppression(caller: Principal, channel: str, address: str) -> None:
    if not SuppressionsRepository().remove(caller.environment_id, channel, _checked(channel, address)):
        raise _not_found(channel, address)


def _checked(channel: str, address: str) -> str:
    try:
        return normalized(channel, address)
    except ValueError as error:
        raise ValidationFailed(f"address {error}", field="address", value=address) from error


def _not_found(channel: str, address: str) -> NotFound:
    return NotFound(f"the {channel} address is not suppressed", field="address", value=address)


def _view(item: entities.Suppression) -> Suppression:
    return Suppression.model_validate(
        {name: item.get(name) for name in ("channel", "address", "reason", "source", "createdAt")}
    )
