"""Novu's chat OAuth through the gateway: start → the provider (a fake Slack on 127.0.0.1) → callback → the
subscriber's credentials; and everything the two public routes refuse."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.integration.conftest import Api
from tests.integration.fake_oauth_provider import TOKEN_PATH
from tests.integration.support.chat_oauth import (
    CLIENT_ID,
    CLIENT_SECRET,
    GRANTED_WEBHOOK,
    app_config,
    authorize_params,
    callback,
    channels_of,
    configure_apps,
    create_subscriber,
    hmac_hash,
    hmac_key,
    provider_redirect,
    start,
)
from tests.integration.support.environments import other_environment


def test_start_redirects_to_the_providers_authorize_page_with_the_app_and_a_signed_state(admin: Api, slack):
    create_subscriber(admin)
    response = start(admin)
    assert response.headers["location"].startswith(slack.authorize_url + "?")
    params = authorize_params(response)
    assert params["client_id"] == CLIENT_ID and params["scope"] == "incoming-webhook"
    redirect = urlsplit(params["redirect_uri"])
    assert redirect.path == "/v1/subscribers/ada/credentials/slack/oauth/callback"
    assert parse_qs(redirect.query) == {"environmentId": [admin.environment_id]}
    assert params["state"].count(".") == 1
    assert CLIENT_SECRET not in response.headers["location"]


def test_the_callback_exchanges_the_code_with_the_app_credentials(admin: Api, slack):
    create_subscriber(admin)
    started = start(admin)
    assert callback(admin, started, code="good-code").status == 200
    (exchange,) = slack.exchanges
    assert exchange.path == TOKEN_PATH
    assert exchange.content_type == "application/x-www-form-urlencoded"
    assert exchange.form == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": "good-code",
        "redirect_uri": authorize_params(started)["redirect_uri"],
    }


def test_the_granted_webhook_becomes_the_subscribers_slack_credentials(admin: Api, slack):
    create_subscriber(admin)
    response = callback(admin, start(admin))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Connected" in response.text
    assert channels_of(admin) == [
        {"providerId": "slack", "credentials": {"webhookUrl": GRANTED_WEBHOOK, "channel": "#alerts"}}
    ]


def test_connecting_again_replaces_the_webhook_and_keeps_other_providers(admin: Api, slack):
    discord = {"providerId": "discord", "credentials": {"webhookUrl": "https://discord.test/api/webhooks/1"}}
    create_subscriber(admin, channels=[discord])
    assert callback(admin, start(admin)).status == 200
    slack.answer({"ok": True, "incoming_webhook": {"url": "https://hooks.slack.test/services/T1/B2/new"}})
    assert callback(admin, start(admin)).status == 200
    assert channels_of(admin) == [
        discord,
        {"providerId": "slack", "credentials": {"webhookUrl": "https://hooks.slack.test/services/T1/B2/new"}},
    ]


def test_the_integration_identifier_travels_through_the_flow_onto_the_credentials(admin: Api, slack):
    create_subscriber(admin)
    started = start(admin, integrationIdentifier="slack-prod")
    redirect_query = parse_qs(urlsplit(authorize_params(started)["redirect_uri"]).query)
    assert redirect_query["integrationIdentifier"] == ["slack-prod"]
    assert callback(admin, started).status == 200
    assert channels_of(admin)[0]["integrationIdentifier"] == "slack-prod"


def test_the_callback_redirects_to_the_apps_redirect_url_when_one_is_configured(admin: Api, runtime, slack):
    configure_apps(runtime, {"slack": app_config(slack, redirectUrl="https://app.example.com/settings/slack")})
    create_subscriber(admin)
    response = callback(admin, start(admin))
    assert response.status == 302
    assert response.headers["location"] == "https://app.example.com/settings/slack"
    assert channels_of(admin)[0]["credentials"]["webhookUrl"] == GRANTED_WEBHOOK


def test_a_hmac_hash_of_another_subscriber_is_refused(admin: Api, slack):
    create_subscriber(admin)
    response = start(admin, "ada", hmacHash=hmac_hash(hmac_key(admin), "bob"))
    assert response.status == 403
    assert "hmacHash" in response.json()["errors"]
    assert "location" not in response.headers


def test_a_hmac_hash_made_with_another_environments_key_is_refused(admin: Api, slack):
    create_subscriber(admin)
    tenant_b = other_environment(admin)
    response = start(admin, hmacHash=hmac_hash(hmac_key(admin, tenant_b.environment_id), "ada"))
    assert response.status == 403
    assert "hmacHash" in response.json()["errors"]


def test_another_environment_cannot_connect_this_environments_subscriber(admin: Api, slack):
    create_subscriber(admin)
    tenant_b = other_environment(admin)
    response = start(admin, "ada", environmentId=tenant_b.environment_id)  # a valid hash for tenant B
    assert response.status == 404
    assert "location" not in response.headers
    assert channels_of(admin) == []


def test_a_tampered_state_is_refused_and_no_code_is_exchanged(admin: Api, slack):
    create_subscriber(admin)
    path = provider_redirect(start(admin), code="good-code")
    payload_start = path.index("state=") + len("state=")
    tampered = path[:payload_start] + ("B" if path[payload_start] == "A" else "A") + path[payload_start + 1 :]
    response = admin.runtime.request("GET", tampered)
    assert response.status == 403
    assert "state" in response.json()["errors"]
    assert slack.exchanges == []


def test_an_expired_state_is_refused(admin: Api, runtime, slack):
    create_subscriber(admin)
    started = start(admin)
    runtime.clock.advance(11 * 60)
    response = callback(admin, started)
    assert response.status == 403
    assert "expired" in response.json()["message"]
    assert slack.exchanges == []


def test_a_state_issued_for_another_subscriber_is_refused(admin: Api, slack):
    create_subscriber(admin, "ada")
    create_subscriber(admin, "bob")
    path = provider_redirect(start(admin, "ada"), code="good-code").replace("/subscribers/ada/", "/subscribers/bob/")
    response = admin.runtime.request("GET", path)
    assert response.status == 403
    assert "state" in response.json()["errors"]
    assert channels_of(admin, "bob") == []


def test_a_code_the_provider_refuses_is_a_400_naming_the_providers_error(admin: Api, slack):
    create_subscriber(admin)
    slack.answer({"ok": False, "error": "invalid_code"})
    response = callback(admin, start(admin), code="stale-code")
    assert response.status == 400
    assert "invalid_code" in response.json()["message"]
    assert "code" in response.json()["errors"]
    assert channels_of(admin) == []


def test_a_provider_that_fails_is_a_502(admin: Api, slack):
    create_subscriber(admin)
    slack.answer(b"<html>upstream error</html>", status=503)
    response = callback(admin, start(admin))
    assert response.status == 502
    assert "slack" in response.json()["message"]
    assert channels_of(admin) == []


def test_a_user_who_declines_is_a_400_naming_the_providers_error(admin: Api, slack):
    create_subscriber(admin)
    response = admin.runtime.request("GET", provider_redirect(start(admin), error="access_denied"))
    assert response.status == 400
    assert "access_denied" in response.json()["message"]
    assert slack.exchanges == []


def test_an_unknown_subscriber_is_a_404_at_the_start(admin: Api, slack):
    response = start(admin, "ghost")
    assert response.status == 404
    assert "subscriberId" in response.json()["errors"]


def test_a_subscriber_deleted_during_the_flow_is_a_404_at_the_callback(admin: Api, slack):
    create_subscriber(admin)
    started = start(admin)
    assert admin.delete("/v1/subscribers/ada").status == 200
    response = callback(admin, started)
    assert response.status == 404
    assert "subscriberId" in response.json()["errors"]


def test_a_provider_without_an_oauth_flow_is_a_422(admin: Api, slack):
    create_subscriber(admin)
    response = start(admin, provider_id="discord")
    assert response.status == 422
    assert "providerId" in response.json()["errors"]


def test_a_provider_without_a_configured_app_is_a_404(admin: Api, runtime, slack):
    configure_apps(runtime, {})
    create_subscriber(admin)
    response = start(admin)
    assert response.status == 404
    assert "providerId" in response.json()["errors"]


def test_a_malformed_apps_secret_is_a_500_that_reveals_none_of_it(admin: Api, runtime, slack, caplog, function_logs):
    configure_apps(runtime, {"slack": {"clientId": CLIENT_ID, "clientSecret": "", "tokenUrl": CLIENT_SECRET}})
    create_subscriber(admin)
    response = start(admin)
    assert response.status == 500
    logged = caplog.text + function_logs.getvalue()
    assert "clientSecret" in logged  # the log says which field is wrong ...
    assert CLIENT_SECRET not in response.text and CLIENT_SECRET not in logged  # ... never what it holds


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"environmentId": "not-an-id", "hmacHash": "0" * 64}, "environmentId"),
        ({"hmacHash": ""}, "hmacHash"),
        ({"integrationIdentifier": "x" * 129}, "integrationIdentifier"),
    ],
)
def test_a_bad_start_query_is_a_422_naming_the_field(admin: Api, slack, query, field):
    create_subscriber(admin)
    response = start(admin, **query)
    assert response.status == 422
    assert field in response.json()["errors"]


def test_a_callback_without_state_is_a_422_naming_it(admin: Api, slack):
    path = f"/v1/subscribers/ada/credentials/slack/oauth/callback?environmentId={admin.environment_id}&code=c"
    response = admin.runtime.request("GET", path)
    assert response.status == 422
    assert "state" in response.json()["errors"]


def test_neither_the_client_secret_nor_the_code_nor_the_webhook_is_logged(admin: Api, slack, caplog, function_logs):
    caplog.set_level("INFO")  # Lambda's root level is WARNING; the functions' own loggers print at DEBUG
    create_subscriber(admin)
    assert callback(admin, start(admin), code="private-code-789").status == 200
    slack.answer({"ok": False, "error": "invalid_code"})
    assert callback(admin, start(admin), code="private-code-789").status == 400
    output = caplog.text + function_logs.getvalue()
    for secret in (CLIENT_SECRET, "private-code-789", GRANTED_WEBHOOK):
        assert secret not in output


def test_the_subscriber_hmac_key_is_stable_and_differs_between_environments(admin: Api):
    tenant_b = other_environment(admin)
    key = hmac_key(admin)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert hmac_key(admin) == key
    other = admin.get(f"/v1/environments/{tenant_b.environment_id}/subscriber-hmac-key").json()["data"]
    assert other["environmentId"] == tenant_b.environment_id
    assert other["hmacKey"] != key


def test_the_hmac_key_of_an_unknown_environment_is_a_404(admin: Api):
    response = admin.get(f"/v1/environments/{'e' * 24}/subscriber-hmac-key")
    assert response.status == 404
    assert "environmentId" in response.json()["errors"]


def test_the_hmac_key_route_refuses_a_malformed_environment_id(admin: Api):
    response = admin.get("/v1/environments/not-an-id/subscriber-hmac-key")
    assert response.status == 422
    assert "environmentId" in response.json()["errors"]
