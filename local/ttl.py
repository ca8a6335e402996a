"""DynamoDB TTL: moto stores the setting but never deletes expired items; the runtime does, on its clock.

The expired items are found in moto's own memory (the runtime shares moto's process), not with a Scan: a Scan of
a table of 20,000 items costs moto over a second, and a drain sweeps after every clock advance. They are deleted
with DeleteItem, as DynamoDB's TTL does.
"""

from __future__ import annotations

import logging
from typing import Any

from moto.dynamodb.models import dynamodb_backends

log = logging.getLogger(__name__)


def delete_expired(dynamodb: Any, account_id: str, tables: list[str], now: float) -> int:
    """Delete items whose TTL attribute (a number of epoch seconds) is in the past; returns how many."""
    deleted = 0
    backend = dynamodb_backends[account_id][dynamodb.meta.region_name]
    for name in tables:
        table = backend.get_table(name)
        if not table.ttl or table.ttl.get("TimeToLiveStatus") != "ENABLED":
            continue
        for key in _expired_keys(table, table.ttl["AttributeName"], now):
            dynamodb.delete_item(TableName=name, Key=key)
            deleted += 1
    if deleted:
        log.info("TTL deleted %d expired items", deleted)
    return deleted


def _expired_keys(table: Any, attribute: str, now: float) -> list[dict[str, Any]]:
    partitions = table.items.values()
    items = [item for partition in partitions for item in partition.values()] if table.range_key_attr else partitions
    keys = []
    for item in list(items):
        value = item.attrs.get(attribute)
        if value is not None and value.type == "N" and float(value.value) < now:
            key = {table.hash_key_attr: item.hash_key.to_json()}
            if table.range_key_attr:
                key[table.range_key_attr] = item.range_key.to_json()
            keys.append(key)
    return keys
