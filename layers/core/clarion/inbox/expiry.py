"""How long in-app messages stay in the inbox, and campaigns whose inbox messages were ended early (expire-inbox).

A message's own end is its `expireAt` (the item's `expiresAt`, also the table's TTL): the campaign's
`inboxExpiryDays`, else the environment's, else RETENTION_SECONDS after delivery.

Expiring a whole campaign's inbox messages at once is a marker, not a write per message: the item
`ENV#<env>#INBOX_EXPIRED` / `CAMPAIGN#<campaignId>` holds `expiredAt`, and every read of an inbox (feed, counts,
actions) reads the environment's markers (one Query of a small partition) and hides the campaign's messages
delivered until then. The inbox items of a campaign are spread over every subscriber's partition and no index
finds them by campaign: marking them one by one would mean a table scan, while the marker is exact at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from clarion import clock
from clarion.dynamo import DynamoTable, Expression
from clarion.environments.repository import EnvironmentsRepository
from clarion.settings import settings
from clarion.store.keys import expired_inbox_sk, expired_inboxes_pk

if TYPE_CHECKING:
    from clarion.store import entities

MARKER_PREFIX = expired_inbox_sk("")
# a marker outlives every message it can hide: none lives longer than the longest expiry a campaign may set
MARKER_RETENTION_SECONDS = 366 * 24 * 3600
MAX_MARKERS = 1000  # campaigns expired within a year in one environment; one page of small items


def inbox_expire_at(days: int) -> str:
    """The `expireAt` of an in-app message sent now that stays `days` days."""
    expires = clock.utc_now() + timedelta(days=days)
    return clock.timestamp(expires)


def with_inbox_expiry(environment_id: str, campaign: entities.Campaign) -> entities.Campaign:
    """The campaign with `inboxExpiryDays` resolved (its own, else the environment's default), when it sends in_app;
    the environment is read only when the campaign has no setting of its own."""
    if "in_app" not in (campaign.get("channels") or []) or campaign.get("inboxExpiryDays"):
        return campaign
    environment = EnvironmentsRepository().get(environment_id)
    days = environment.get("inboxExpiryDays") if environment else None
    return campaign | {"inboxExpiryDays": days} if days else campaign


class ExpiredCampaigns(NamedTuple):
    """The environment's expire-inbox markers: campaign id → when its inbox messages were ended."""

    cutoffs: dict[str, str]

    def hides(self, item: Mapping[str, Any]) -> bool:
        cutoff = self.cutoffs.get(item.get("_templateId") or "")
        return cutoff is not None and str(item.get("createdAt", "")) <= cutoff


class ExpiredCampaignsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def of_environment(self, environment_id: str) -> ExpiredCampaigns:
        page = self.table.query_partition(expired_inboxes_pk(environment_id), prefix=MARKER_PREFIX, limit=MAX_MARKERS)
        return ExpiredCampaigns({item["campaignId"]: item["expiredAt"] for item in page.items})

    def mark(self, environment_id: str, campaign_id: str) -> str:
        """Ends the campaign's inbox messages delivered until now; returns that moment."""
        now = clock.timestamp_now()
        expires = int(clock.epoch_seconds()) + MARKER_RETENTION_SECONDS
        update = Expression(
            "SET campaignId = :campaign, expiredAt = :now, expiresAt = :expires",
            values={":campaign": campaign_id, ":now": now, ":expires": expires},
        )
        self.table.update(expired_inboxes_pk(environment_id), expired_inbox_sk(campaign_id), update)
        return now
