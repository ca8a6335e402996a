"""Which addresses are suppressed: what the engine asks before it sends and the verifier before it answers, apart from
the suppressions' service and models, which neither loads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from clarion.suppressions.addresses import normalized
from clarion.suppressions.repository import SuppressionsRepository

if TYPE_CHECKING:
    from clarion.store import entities


def suppressed(
    environment_id: str, addresses: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], entities.Suppression]:
    """The suppressions of those (channel, address) pairs that are suppressed, keyed by (channel, normalised address):
    one BatchGetItem per 100 addresses. Addresses not valid for their channel are never suppressed."""
    wanted = [key for channel, address in addresses if (key := suppression_key(channel, address))]
    if not wanted:
        return {}
    found = SuppressionsRepository().found_among(environment_id, wanted)
    return {(item["channel"], item["address"]): item for item in found}


def suppression_key(channel: str, address: str) -> tuple[str, str] | None:
    """The key of `suppressed`'s answer for an address, or None when the address is not valid for the channel."""
    try:
        return channel, normalized(channel, address)
    except ValueError:
        return None
