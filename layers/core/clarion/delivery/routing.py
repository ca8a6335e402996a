"""Sending a claimed record through its candidate integrations, failing over on an outage.

A record without candidates is sent by the channel's stack default provider. Otherwise each candidate is tried in
order with its credentials (Secrets Manager, cached per container): a TransientFailure (throttling, 5xx, timeout,
connection refused) moves on to the next at once, and is noted in the record's history (so in its execution
details) naming the provider that failed and the one taking over; a PermanentFailure stops (another provider
would refuse the same address). When every candidate fails transiently, AllProvidersFailed is raised: the job is
retried with backoff. Whatever the outcome, each failed attempt stays in the record's history, one entry each. The
sent record names the integration that sent it (providerId, integrationIdentifier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from clarion.clock import timestamp_now
from clarion.delivery import credentials
from clarion.delivery.errors import DeliveryFailure, TransientFailure
from clarion.delivery.providers import adapter_for, provider_for
from clarion.dynamo import Expression, Item
from clarion.store.keys import RECORD_SK, record_pk
from clarion.store.records import Channel, DeliveryRecords

if TYPE_CHECKING:
    from clarion.store import entities

logger = Logger(child=True)


def send(channel: Channel, record: entities.DeliveryRecord) -> str:
    """Sends the record; returns the provider's message id (the record is updated with who sent it)."""
    candidates: list[Item] = record.get("integrations") or []
    if not candidates:
        return provider_for(channel).send(record)
    noted = len(record.get("history") or [])
    try:
        return _send_through(channel, record, candidates)
    except Exception:
        # the sender records the outcome with one appended entry: the attempts noted here would be lost
        _keep_failovers(record, record.get("history", [])[noted:])
        raise


def _send_through(channel: Channel, record: entities.DeliveryRecord, candidates: list[Item]) -> str:
    failures: list[str] = []
    for number, candidate in enumerate(candidates):
        try:
            provider = adapter_for(channel, candidate["providerId"], _credentials(record, candidate))
            message_id = provider.send(record)
        except TransientFailure as failure:
            failures.append(f"{candidate['identifier']}: {failure.reason}")
            following = candidates[number + 1] if number + 1 < len(candidates) else None
            _note_failover(record, candidate, failure, following)
            continue
        record["providerId"] = candidate["providerId"]
        record["integrationIdentifier"] = candidate["identifier"]
        return message_id
    raise TransientFailure("AllProvidersFailed", "; ".join(failures))


def _keep_failovers(record: entities.DeliveryRecord, entries: list[Item]) -> None:
    """Appends the failed attempts to the stored record's history (the record is still claimed: only its sender
    writes it), so the execution details list each provider's error."""
    if not entries:
        return
    update = Expression(
        "SET history = list_append(if_not_exists(history, :empty), :entries)",
        values={":empty": [], ":entries": entries},
    )
    DeliveryRecords().table.update(record_pk(record["environmentId"], record["_id"]), RECORD_SK, update)


def _credentials(record: entities.DeliveryRecord, candidate: Item) -> Item:
    try:
        return credentials.cached(record["environmentId"], candidate["_id"])
    except Exception as error:  # deleted, or unreadable: this candidate cannot send now
        raise TransientFailure("CredentialsUnavailable", type(error).__name__) from error


def _note_failover(
    record: entities.DeliveryRecord, failed: Item, failure: DeliveryFailure, following: Item | None
) -> None:
    took_over = f"; {following['providerId']} integration '{following['identifier']}' takes over" if following else ""
    reason = f"{failed['providerId']} integration '{failed['identifier']}' failed ({failure.reason}){took_over}"
    entry = {"status": "failover", "at": timestamp_now(), "providerId": failed["providerId"], "reason": reason}
    record["history"] = [*record.get("history", []), entry]
    logger.warning(
        "provider failed, failing over",
        extra={"messageId": record["_id"], "code": failure.code, "integration": failed["identifier"]},
    )
