"""Rate limits of the widget routes, which no client key calls: a subscriber token's calls spend its own bucket, a
session's start the bucket of its application identifier and source address; over it, a 429 with Retry-After in the
error shape, and another subscriber or application is not affected."""

from collections.abc import Callable, Iterator

import pytest

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.chat_oauth import hmac_hash, hmac_key
from tests.integration.support.widget import initialize, session

WINDOW = 600  # long enough that the real time a test takes refills nothing measurable

Limits = Callable[..., None]


@pytest.fixture
def limits(runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Limits]:
    """Deploy the stack with these RateLimitWidget* parameters (each function's environment, then a cold start)."""

    def deploy(widget: int = 0, widget_session: int = 0) -> None:
        values = {
            "RATE_LIMIT_WIDGET": widget,
            "RATE_LIMIT_WIDGET_SESSION": widget_session,
            "RATE_LIMIT_WINDOW_SECONDS": WINDOW,
            "RATE_LIMIT_BURST_PERCENT": 0,
        }
        for config in runtime.registry.functions.values():
            for name, value in values.items():
                monkeypatch.setitem(config.environment, name, str(value))
        runtime.registry.cold_start()

    yield deploy
    monkeypatch.undo()
    runtime.registry.cold_start()


def test_a_subscriber_token_has_its_own_bucket(admin: Api, limits: Limits):
    ada, bob = session(admin, "ada"), session(admin, "bob")
    limits(widget=3)

    remaining = [ada.get("/v1/widgets/notifications/unseen").headers["ratelimit-remaining"] for _ in range(3)]
    refused = ada.post("/v1/widgets/messages/seen")

    assert remaining == ["2", "1", "0"]
    assert refused.status == 429
    assert refused.headers["retry-after"] == str(WINDOW // 3)
    assert 'category="subscriber"' in refused.headers["ratelimit-policy"]
    assert refused.json()["statusCode"] == 429 and refused.json()["path"] == "/v1/widgets/messages/seen"
    assert bob.get("/v1/widgets/notifications/unseen").status == 200


def test_a_refused_call_changes_nothing(runtime: LocalRuntime, admin: Api, limits: Limits):
    ada = session(admin, "ada")
    limits(widget=1)
    assert ada.get("/v1/widgets/notifications/unseen").status == 200

    refused = ada.call("PATCH", "/v1/widgets/preferences", json={"enabled": False})

    assert refused.status == 429
    assert admin.get("/v1/subscribers/ada/preferences/global").json()["data"][0]["preference"]["enabled"] is True


def test_sessions_are_limited_per_application_and_address(admin: Api, other_admin: Api, limits: Limits):
    limits(widget_session=2)

    def start(api: Api, subscriber_id: str) -> int:
        status: int = initialize(api, subscriber_id, hmacHash=hmac_hash(hmac_key(api), subscriber_id)).status
        return status

    assert [start(admin, "ada"), start(admin, "bob"), start(admin, "cy")] == [201, 201, 429]
    assert start(other_admin, "ada") == 201  # another application's sessions have their own bucket


def test_a_call_without_a_valid_token_is_401_and_spends_nothing(runtime: LocalRuntime, admin: Api, limits: Limits):
    ada = session(admin, "ada")
    limits(widget=1)

    assert Api(runtime, "forged").get("/v1/widgets/notifications/unseen").status == 401
    assert ada.get("/v1/widgets/notifications/unseen").status == 200
