"""Widget sessions: a browser's subscriber token, as Novu's notification center starts one."""

from typing import Any

from tests.integration.support.api import Api
from tests.integration.support.chat_oauth import hmac_hash, hmac_key


def application_identifier(admin: Api) -> str:
    response = admin.get("/v1/environments/me")
    assert response.status == 200, response.json()
    identifier: str = response.json()["data"]["identifier"]
    return identifier


def initialize(admin: Api, subscriber_id: str, **fields: Any) -> Any:
    body = {"applicationIdentifier": application_identifier(admin), "subscriberId": subscriber_id} | fields
    return Api(admin.runtime, None).post("/v1/widgets/session/initialize", body)


def session(admin: Api, subscriber_id: str) -> Api:
    """A widget client holding the subscriber's token, with the environment's hmacHash."""
    response = initialize(admin, subscriber_id, hmacHash=hmac_hash(hmac_key(admin), subscriber_id))
    assert response.status == 201, response.json()
    return Api(admin.runtime, response.json()["data"]["token"], environment_id=admin.environment_id)
