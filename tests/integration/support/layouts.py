"""Layouts (Novu v1's /v1/layouts) made through the API, and email steps that name them."""

import uuid
from typing import Any

from tests.integration.support.api import Api

LAYOUTS = "/v1/layouts"
CONTENT = (
    "<html><body><header>{{ payload.brand }}</header>"
    "{{{body}}}<footer>{{ subscriber.firstName }}</footer></body></html>"
)


def layout(api: Api, name: str = "Main", **fields: Any) -> dict[str, Any]:
    body = {"name": name, "identifier": f"{name.lower()}-{uuid.uuid4().hex[:8]}", "content": CONTENT} | fields
    response = api.post(LAYOUTS, body)
    assert response.status == 201, response.json()
    return response.json()["data"]


def error_fields(response: Any) -> list[str]:
    return sorted(response.json().get("errors", {}))


def email_step(subject: str = "Hello", **fields: Any) -> dict[str, Any]:
    return {"channel": "email", "content": {"subject": subject, "body": "<p>Order {{ payload.order }}</p>"}} | fields


def unique_subject() -> str:
    return f"Subject {uuid.uuid4().hex[:10]}"
