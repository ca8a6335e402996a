"""/docs on the local stack: Swagger UI renders the API's operations grouped by resource, under the API's
description, in a real browser."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LocalStack

pytestmark = pytest.mark.slow


def test_the_docs_page_renders_the_operations(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    document = local_stack.api("GET", "/docs/openapi.json", timeout=300).json()  # built once, on the first call
    tags = {tag for item in document["paths"].values() for operation in item.values() for tag in operation["tags"]}

    page.goto(f"{local_stack.url}/docs")
    page.wait_for_selector(".opblock-tag-section")

    assert page.locator(".opblock-tag-section").count() == len(tags) > 20  # one group per resource
    assert page.locator(".opblock-tag", has_text="Subscribers").is_visible()
    assert "ApiKey" in page.locator(".information-container").inner_text()
    screenshot(page, full_page=False)  # the page is 30,000 pixels long


def test_an_operation_shows_its_description_when_opened(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    document = local_stack.api("GET", "/docs/openapi.json", timeout=300).json()
    description = document["paths"]["/v1/health-check"]["get"]["description"]

    page.goto(f"{local_stack.url}/docs")
    operation = page.locator(".opblock", has=page.locator(".opblock-summary-path", has_text="/v1/health-check"))
    operation.locator(".opblock-summary").click()
    shown = operation.locator(".opblock-description-wrapper").first  # the next one says "No parameters"

    assert "Meant for load balancers" in description
    assert "Meant for load balancers" in shown.inner_text()  # the handler's docstring, under the summary
    screenshot(page, full_page=False)
