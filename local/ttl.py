"""DynamoDB TTL: moto stores the setting but never deletes expired items; the runtime does, on its clock."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def delete_expired(dynamodb: Any, tables: list[str], now: float) -> int:
    """Delete items whose TTL attribute (a number of epoch seconds) is in the past; returns how many."""
    deleted = 0
    for table in tables:
        settings = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        if settings.get("TimeToLiveStatus") != "ENABLED":
            continue
        attribute = settings["AttributeName"]
        keys = [key["AttributeName"] for key in dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]]
        for page in dynamodb.get_paginator("scan").paginate(
            TableName=table,
            FilterExpression="#ttl < :now",
            ExpressionAttributeNames={"#ttl": attribute},
            ExpressionAttributeValues={":now": {"N": str(int(now))}},
        ):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key={key: item[key] for key in keys})
                deleted += 1
    if deleted:
        log.info("TTL deleted %d expired items", deleted)
    return deleted
