"""Integrations (Novu's /v1/integrations) made through the API, and a workflow sent through them to `ada`."""

import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.smtp_server import SmtpServer
from tests.integration.support.api import Api
from tests.integration.support.campaigns import records, subject, trigger_event

INTEGRATIONS = "/v1/integrations"
SMTP = {"host": "127.0.0.1", "port": 2525, "user": "mailer", "password": "", "from": "news@example.com"}


def smtp_credentials(**fields: Any) -> dict[str, Any]:
    return SMTP | {"password": f"pw-{uuid.uuid4().hex}"} | fields


def create(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"providerId": "ses", "channel": "email", "active": True} | fields
    response = api.post(INTEGRATIONS, body)
    assert response.status == 201, response.json()
    return response.json()["data"]


def plain(port: int) -> dict[str, Any]:
    """Credentials of an SMTP server without AUTH (aiosmtpd offers AUTH only over TLS)."""
    return smtp_credentials(port=port, user=None, password=None)


def smtp_subjects(server: SmtpServer) -> list[str]:
    return [message["Subject"] for _, _, message in server.messages]


def trigger(runtime: LocalRuntime, admin: Api, workflow: dict[str, Any], **payload: Any) -> tuple[str, str]:
    """The workflow triggered for ada with a new code (and `payload`), drained: the subject sent and the
    transaction id."""
    code, transaction_id = uuid.uuid4().hex[:8], f"tx-{uuid.uuid4().hex[:12]}"
    response = trigger_event(
        admin, workflow["identifier"], "ada", payload={"code": code} | payload, transactionId=transaction_id
    )
    assert response.status == 201, response.json()
    runtime.drain()
    return subject(workflow, code), transaction_id


def the_record(runtime: LocalRuntime, admin: Api, transaction_id: str) -> dict[str, Any]:
    (record,) = [r for r in records(runtime, admin) if r.get("transactionId") == transaction_id]
    return record
