"""Unit tests' fixtures. `memory_tables` is the in-memory store: the template's DynamoDB tables in moto's in-process
DynamoDB, so repositories, services and the pipeline run unchanged with no runtime, gateway, queue or function."""

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from moto import mock_aws

from local import template as sam
from tests.conftest import ROOT

# the environment variable each table's name reaches the functions by (template.yaml, Globals)
TABLE_VARIABLES = {
    "ClientsTable": "CLIENTS_TABLE",
    "SubscribersTable": "SUBSCRIBERS_TABLE",
    "CampaignsTable": "CAMPAIGNS_TABLE",
    "MessagesTable": "MESSAGES_TABLE",
    "IdempotencyTable": "IDEMPOTENCY_TABLE",
}
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection")


@cache
def table_definitions() -> dict[str, dict[str, Any]]:
    """CreateTable requests for the template's tables, named by their logical ids."""
    resources = sam.load(ROOT / "template.yaml").resources
    definitions = {}
    for logical_id in TABLE_VARIABLES:
        props = resources[logical_id]["Properties"]
        request: dict[str, Any] = {
            "TableName": logical_id,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = [
                {key: index[key] for key in _INDEX_KEYS} for index in props["GlobalSecondaryIndexes"]
            ]
        definitions[logical_id] = request
    return definitions


@pytest.fixture
def memory_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The template's tables, empty, in moto's in-memory DynamoDB; the settings name them. Yields logical id → name."""
    from clarion.aws import client  # noqa: PLC0415 - imported under the test's environment
    from clarion.settings import settings  # noqa: PLC0415

    with mock_aws():
        dynamodb = client("dynamodb")
        for logical_id, request in table_definitions().items():
            dynamodb.create_table(**request)
            monkeypatch.setenv(TABLE_VARIABLES[logical_id], logical_id)
        settings.cache_clear()
        yield {logical_id: logical_id for logical_id in TABLE_VARIABLES}
    settings.cache_clear()
