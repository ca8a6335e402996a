"""Novu's chat OAuth flow driven as a subscriber's browser drives it, against a fake provider (fake_oauth_provider):
the apps secret an operator writes, the start route, the provider's redirect back, the callback."""

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from local import clients
from local.runtime import LocalRuntime
from tests.integration.fake_oauth_provider import FakeOAuthProvider
from tests.integration.support.api import Api

CLIENT_ID = "client-123"
CLIENT_SECRET = "app-secret-456"
GRANTED_WEBHOOK = "https://hooks.slack.test/services/T1/B2/abc"


def configure_apps(runtime: LocalRuntime, apps: dict[str, Any] | str) -> None:
    """Write the ChatOAuthAppsSecret, as an operator would (each test starts cold, so it is read afresh)."""
    arn = runtime.registry.functions["SubscribersFunction"].environment["CHAT_OAUTH_SECRET_ARN"]
    secrets = clients.client("secretsmanager", runtime.stack.resolver.region)
    secrets.put_secret_value(SecretId=arn, SecretString=apps if isinstance(apps, str) else json.dumps(apps))


def app_config(server: FakeOAuthProvider, **extra: str) -> dict[str, str]:
    return {
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "authorizeUrl": server.authorize_url,
        "tokenUrl": server.token_url,
        **extra,
    }


def hmac_key(admin: Api, environment_id: str | None = None) -> str:
    """The environment's key (the admin's own by default), as the application's backend fetches it."""
    response = admin.get(f"/v1/environments/{environment_id or admin.environment_id}/subscriber-hmac-key")
    assert response.status == 200, response.json()
    key: str = response.json()["data"]["hmacKey"]
    return key


def hmac_hash(key: str, subscriber_id: str) -> str:
    return hmac.new(key.encode(), subscriber_id.encode(), hashlib.sha256).hexdigest()


def create_subscriber(admin: Api, subscriber_id: str = "ada", **fields: Any) -> None:
    response = admin.post("/v1/subscribers", {"subscriberId": subscriber_id, **fields})
    assert response.status == 201, response.json()


def start(admin: Api, subscriber_id: str = "ada", provider_id: str = "slack", **query: str) -> Any:
    """The start route, called as a subscriber's browser would (no client key), with a valid hmacHash for the
    environment in `query` (the admin's by default)."""
    environment_id = query.get("environmentId", admin.environment_id)
    if "hmacHash" not in query:
        query["hmacHash"] = hmac_hash(hmac_key(admin, environment_id), subscriber_id)
    params = {"environmentId": environment_id} | query
    path = f"/v1/subscribers/{subscriber_id}/credentials/{provider_id}/oauth?{urlencode(params)}"
    return admin.runtime.request("GET", path)


def authorize_params(response: Any) -> dict[str, str]:
    assert response.status == 302, response.json()
    return {name: values[0] for name, values in parse_qs(urlsplit(response.headers["location"]).query).items()}


def provider_redirect(started: Any, **answer: str) -> str:
    """Where the provider sends the browser back: the redirect_uri, plus the code (or error) and the state."""
    params = authorize_params(started)
    redirect = urlsplit(params["redirect_uri"])
    return f"{redirect.path}?{redirect.query}&{urlencode({**answer, 'state': params['state']})}"


def callback(admin: Api, started: Any, code: str = "good-code") -> Any:
    return admin.runtime.request("GET", provider_redirect(started, code=code))


def channels_of(admin: Api, subscriber_id: str = "ada") -> list[dict[str, Any]]:
    """The subscriber's channels as the API shows them (only the fields the flow sets)."""
    response = admin.get(f"/v1/subscribers/{subscriber_id}")
    assert response.status == 200, response.json()
    shown = ("providerId", "integrationIdentifier", "credentials")
    return [{k: c[k] for k in shown if c.get(k)} for c in response.json()["data"].get("channels", [])]
