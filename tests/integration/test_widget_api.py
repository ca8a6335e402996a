"""Novu's widget API (/v1/widgets) through the gateway: a session for one subscriber, whose token reads and changes only
that subscriber's inbox; HMAC where the environment requires it; expired, forged and server-route uses refused."""

from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.chat_oauth import hmac_hash, hmac_key
from tests.integration.support.inbox import deliver
from tests.integration.support.widget import application_identifier, initialize, session


def feed(widget: Api) -> list[str]:
    response = widget.get("/v1/widgets/notifications/feed")
    assert response.status == 200, response.json()
    return [message["content"] for message in response.json()["data"]]


def unseen(widget: Api) -> int:
    response = widget.get("/v1/widgets/notifications/unseen")
    assert response.status == 200, response.json()
    count: int = response.json()["data"]["count"]
    return count


def test_a_session_creates_the_subscriber_and_answers_its_profile_and_a_token(admin: Api):
    response = initialize(admin, "ada", hmacHash=hmac_hash(hmac_key(admin), "ada"), firstName="Ada")

    assert response.status == 201, response.json()
    data = response.json()["data"]
    assert data["profile"]["subscriberId"] == "ada" and data["profile"]["firstName"] == "Ada"
    assert data["token"].count(".") == 2
    assert admin.get("/v1/subscribers/ada").json()["data"]["firstName"] == "Ada"


def test_a_token_reads_its_subscribers_feed_and_never_anothers(runtime: LocalRuntime, admin: Api):
    deliver(runtime, admin, "ada", content="For Ada")
    deliver(runtime, admin, "bob", content="For Bob")

    assert feed(session(admin, "ada")) == ["For Ada"]
    assert feed(session(admin, "bob")) == ["For Bob"]


def test_a_token_cannot_mark_another_subscribers_message(runtime: LocalRuntime, admin: Api):
    bobs = deliver(runtime, admin, "bob", content="For Bob")
    ada = session(admin, "ada")

    response = ada.post("/v1/widgets/messages/markAs", {"messageId": [bobs["_id"]], "markAs": "read"})

    assert (response.status, response.json()["data"]) == (201, []), response.json()
    assert unseen(session(admin, "bob")) == 1


def test_marking_read_and_all_seen_moves_the_unseen_count(runtime: LocalRuntime, admin: Api):
    first = deliver(runtime, admin, "ada", content="One")
    deliver(runtime, admin, "ada", content="Two")
    ada = session(admin, "ada")
    assert unseen(ada) == 2

    marked = ada.post("/v1/widgets/messages/markAs", {"messageId": [first["_id"]], "markAs": "read"})
    assert marked.status == 201, marked.json()
    assert [message["read"] for message in marked.json()["data"]] == [True]
    assert unseen(ada) == 1

    assert ada.post("/v1/widgets/messages/seen").status == 201
    assert unseen(ada) == 0


def test_a_token_of_another_environment_reads_nothing_here(runtime: LocalRuntime, admin: Api, other_admin: Api):
    deliver(runtime, admin, "ada", content="For Ada")

    assert feed(session(other_admin, "ada")) == []


def test_an_expired_token_is_401(runtime: LocalRuntime, admin: Api):
    ada = session(admin, "ada")
    runtime.clock.advance(3601)

    response = ada.get("/v1/widgets/notifications/feed")

    assert response.status == 401
    assert "expired" in response.json()["message"]


def test_a_forged_or_missing_token_is_401(admin: Api):
    token = session(admin, "ada").key or ""
    header, claims, signature = token.split(".")
    forged = f"{header}.{claims}.{signature[:-2]}AA"

    assert Api(admin.runtime, forged).get("/v1/widgets/notifications/feed").status == 401
    assert Api(admin.runtime, "not-a-token").get("/v1/widgets/notifications/unseen").status == 401
    assert Api(admin.runtime, None).get("/v1/widgets/notifications/unseen").status == 401


def test_a_client_key_is_not_a_subscriber_token(admin: Api):
    assert admin.get("/v1/widgets/notifications/feed").status == 401


def test_server_routes_refuse_a_subscriber_token(admin: Api):
    ada = session(admin, "ada")

    # the authorizer looks a bearer up as a key's hash: an unknown key, which API Gateway refuses with its own 403
    assert ada.get("/v1/subscribers/ada/notifications/feed").json() == {"message": "Forbidden"}
    assert ada.get("/v1/subscribers").status == 403


def test_hmac_is_required_by_default_and_a_wrong_one_is_refused(admin: Api):
    missing = initialize(admin, "ada")
    wrong = initialize(admin, "ada", hmacHash=hmac_hash(hmac_key(admin), "bob"))

    assert missing.status == 401 and "hmacHash" in missing.json()["message"]
    assert wrong.status == 403
    assert admin.get("/v1/subscribers/ada").status == 404


def test_an_environment_can_turn_hmac_off_and_a_hash_given_is_still_checked(admin: Api):
    changed = admin.call("PATCH", f"/v1/environments/{admin.environment_id}", json={"widgetHmacRequired": False})
    assert changed.status == 200, changed.json()

    assert initialize(admin, "ada").status == 201
    assert initialize(admin, "ada", hmacHash="0" * 64).status == 403


def test_an_unknown_application_identifier_is_422_naming_it(admin: Api):
    response = Api(admin.runtime, None).post(
        "/v1/widgets/session/initialize", {"applicationIdentifier": "nope", "subscriberId": "ada"}
    )

    assert response.status == 422
    assert "applicationIdentifier" in response.json()["errors"]


def allow_origins(admin: Api, *origins: str) -> None:
    changed = admin.call("PATCH", f"/v1/environments/{admin.environment_id}", json={"widgetOrigins": list(origins)})
    assert changed.status == 200, changed.json()


def test_a_widget_route_answers_the_browsers_preflight(runtime: LocalRuntime):
    response = runtime.request(
        "OPTIONS",
        "/v1/widgets/notifications/feed",
        headers={"origin": "https://app.example.com", "access-control-request-headers": "authorization"},
    )

    assert response.status == 204
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "authorization" in response.headers["access-control-allow-headers"]
    assert "GET" in response.headers["access-control-allow-methods"]


def test_a_server_route_answers_no_preflight_and_no_cors_header(runtime: LocalRuntime, admin: Api):
    preflight = runtime.request("OPTIONS", "/v1/subscribers", headers={"origin": "https://app.example.com"})
    allow_origins(admin, "*")
    answer = runtime.request(
        "GET", "/v1/subscribers", headers={"origin": "https://app.example.com", "authorization": f"Bearer {admin.key}"}
    )

    assert preflight.status in (404, 405)
    assert answer.status == 200
    assert not any(name.lower().startswith("access-control-") for name in [*preflight.headers, *answer.headers])


def test_a_widget_answer_carries_the_origin_only_where_its_environment_lists_it(runtime: LocalRuntime, admin: Api):
    token = session(admin, "ada").key
    allow_origins(admin, "https://app.example.com")

    def feed_from(origin: str) -> Any:
        headers = {"origin": origin, "authorization": f"Bearer {token}"}
        return runtime.request("GET", "/v1/widgets/notifications/feed", headers=headers)

    listed, other = feed_from("https://app.example.com"), feed_from("https://evil.example.com")
    assert listed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in other.headers


def test_a_session_answer_carries_the_origin_its_environment_lists(runtime: LocalRuntime, admin: Api):
    allow_origins(admin, "https://app.example.com")
    body = {
        "applicationIdentifier": application_identifier(admin),
        "subscriberId": "ada",
        "hmacHash": hmac_hash(hmac_key(admin), "ada"),
    }

    response = runtime.request(
        "POST", "/v1/widgets/session/initialize", headers={"origin": "https://app.example.com"}, json=body
    )

    assert response.status == 201
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
