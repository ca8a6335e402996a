"""Execution details of a failover: each failed provider attempt is a `Failed` detail naming its error, and the
take-over shows; when every candidate fails, each one's attempt is kept."""

from typing import Any

import pytest

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.smtp_server import free_port
from tests.integration.support.campaigns import EMAIL_STEP, campaign, subscriber
from tests.integration.support.integrations import create, plain, the_record, trigger


@pytest.fixture
def workflow(admin: Api) -> dict[str, Any]:
    subscriber(admin, "ada", email="ada@example.com")
    return campaign(admin, EMAIL_STEP)


def details(admin: Api, transaction_id: str) -> list[dict[str, Any]]:
    response = admin.get(f"/v1/execution-details?notificationId={transaction_id}&subscriberId=ada")
    assert response.status == 200, response.json()
    return list(response.json()["data"])


def test_a_failed_attempt_is_a_failed_detail_and_the_take_over_is_told(runtime: LocalRuntime, admin: Api, workflow):
    failing = create(admin, providerId="smtp", credentials=plain(free_port()))
    backup = create(admin)
    _, transaction_id = trigger(runtime, admin, workflow)
    (failover,) = [detail for detail in details(admin, transaction_id) if detail["detail"].startswith("Provider")]
    assert failover["status"] == "Failed"
    assert failover["providerId"] == "smtp"
    assert f"'{failing['identifier']}' failed (ConnectionRefusedError" in failover["detail"]
    assert f"ses integration '{backup['identifier']}' takes over" in failover["detail"]
    assert details(admin, transaction_id)[-1]["status"] == "Success"


def test_when_every_provider_fails_each_attempt_is_kept(runtime: LocalRuntime, admin: Api, workflow):
    first = create(admin, providerId="smtp", credentials=plain(free_port()))
    second = create(admin, providerId="smtp", credentials=plain(free_port()))
    _, transaction_id = trigger(runtime, admin, workflow)
    record = the_record(runtime, admin, transaction_id)
    assert record["status"] in ("queued", "failed")
    failed = [detail for detail in details(admin, transaction_id) if detail["detail"].startswith("Provider failed")]
    assert [detail["status"] for detail in failed[:2]] == ["Failed", "Failed"]
    assert f"'{first['identifier']}' failed" in failed[0]["detail"] and "takes over" in failed[0]["detail"]
    assert f"'{second['identifier']}' failed" in failed[1]["detail"] and "takes over" not in failed[1]["detail"]
