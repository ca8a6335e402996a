"""The local runtime's own tests run the fixture template (tests/local/fixtures) in-process on moto.

One LocalRuntime can be active per process (mock_aws and environment variables are process-wide), so a
test module uses either the module-scoped `runtime` or its own runtimes, never both.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.runtime import LocalRuntime

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = FIXTURES / "template.yaml"
ALLOW = {"Authorization": "allow"}


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime.in_process(TEMPLATE) as started:
        yield started


def table_items(runtime: LocalRuntime, prefix: str) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(runtime.resources.tables["ItemsTable"])
    items = table.scan()["Items"]
    return sorted((item for item in items if str(item["pk"]).startswith(prefix)), key=lambda item: item["pk"])
