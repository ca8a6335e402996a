"""Fixtures the contract tests share (their helpers are in tests/contract/support)."""

from typing import Any

import pytest

from tests.contract.support.template import parsed_template


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """template.yaml, parsed once per test module."""
    return parsed_template()
