"""Whether a claimed record's campaign still lets it go out: a stopped (or paused) campaign's queued messages are
cancelled, not sent, and so is every message queued before the campaign's last stop, even once it is restarted.

Read through a per-container cache of CAMPAIGN_TTL_SECONDS (clarion.clock), so a batch of one campaign's messages
costs one read: a stop reaches a warm sender within that time. A cached stopped campaign is read again for a record
created after the cached read (the campaign may have been started again since).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, NamedTuple

import cachetools

from clarion import clock
from clarion.store.campaigns import CampaignsRepository

if TYPE_CHECKING:
    from clarion.store import entities

CAMPAIGN_TTL_SECONDS = 10.0
_HELD_BACK = ("stopped", "paused")


class CampaignState(NamedTuple):
    status: str | None  # None: no such campaign
    stopped_at: str | None
    read_at: str


_states = cachetools.TTLCache[str, CampaignState](maxsize=1000, ttl=CAMPAIGN_TTL_SECONDS, timer=clock.monotonic)
_states_lock = threading.Lock()


def cancel_reason(record: entities.DeliveryRecord) -> str | None:
    """Why the record must not be sent because of its campaign, or None when it may be."""
    campaign_id = record.get("campaignId")
    if not campaign_id:
        return None
    state = _state(record["environmentId"], campaign_id, record["createdAt"])
    if state.status in _HELD_BACK:
        return f"campaign {state.status}"
    if state.stopped_at is not None and record["createdAt"] <= state.stopped_at:
        return "campaign stopped"
    return None


def _state(environment_id: str, campaign_id: str, created_at: str) -> CampaignState:
    key = f"{environment_id}#{campaign_id}"
    with _states_lock:
        cached = _states.get(key)
    if cached is not None and not (cached.status in _HELD_BACK and created_at > cached.read_at):
        return cached
    read_at = clock.timestamp_now()
    campaign = CampaignsRepository().get(environment_id, campaign_id)
    state = CampaignState(
        status=campaign["status"] if campaign else None,
        stopped_at=campaign.get("stoppedAt") if campaign else None,
        read_at=read_at,
    )
    with _states_lock:
        _states[key] = state
    return state


def clear_cache() -> None:
    with _states_lock:
        _states.clear()
