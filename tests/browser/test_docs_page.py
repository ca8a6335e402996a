"""/docs on the local stack: Swagger UI renders the API's operations in a real browser."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LocalStack

pytestmark = pytest.mark.slow


def test_the_docs_page_renders_the_operations(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    page.goto(f"{local_stack.url}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)

    assert page.locator(".opblock").count() > 50
    assert page.get_by_text("/v1/subscribers").first.is_visible()
    screenshot(page)
