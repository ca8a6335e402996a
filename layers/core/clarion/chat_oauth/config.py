"""The flow's secrets, read from Secrets Manager once per container: the stack's signing secret and the chat
providers' OAuth apps (`{"<providerId>": {"clientId", "clientSecret", "redirectUrl"?, "authorizeUrl"?, "tokenUrl"?}}`).
"""

import json
import os
from functools import cache
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, ValidationError

from clarion.aws import client
from clarion.errors import NotFound
from clarion.models import Model

HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2048)]


class OAuthApp(Model):
    """A chat provider's OAuth app; the URLs default to the provider's own (tests point them at a fake)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clientId: str = Field(min_length=1)
    clientSecret: str = Field(min_length=1)
    redirectUrl: HttpUrl | None = Field(default=None, description="Where the browser goes once connected")
    authorizeUrl: HttpUrl | None = None
    tokenUrl: HttpUrl | None = None


class MisconfiguredSecret(RuntimeError):
    """A secret is missing or malformed: an operator's mistake, reported without the secret's content."""


@cache
def signing_secret() -> bytes:
    return _secret_string("SIGNING_SECRET_ARN").encode()


@cache
def oauth_apps() -> dict[str, OAuthApp]:
    try:
        configured = json.loads(_secret_string("CHAT_OAUTH_SECRET_ARN") or "{}")
    except json.JSONDecodeError:
        raise MisconfiguredSecret("the chat OAuth apps secret is not JSON") from None
    if not isinstance(configured, dict):
        raise MisconfiguredSecret("the chat OAuth apps secret is not a JSON object keyed by providerId")
    apps = {}
    for provider_id, app in configured.items():
        try:
            apps[provider_id] = OAuthApp.model_validate(app)
        except ValidationError as error:
            # only where: pydantic's messages would quote the client secret
            fields = ", ".join(".".join(map(str, detail["loc"])) or "app" for detail in error.errors())
            raise MisconfiguredSecret(f"the chat OAuth app of '{provider_id}' has bad fields: {fields}") from None
    return apps


def oauth_app(provider_id: str) -> OAuthApp:
    app = oauth_apps().get(provider_id)
    if app is None:
        raise NotFound(f"no OAuth app is configured for chat provider '{provider_id}'", field="providerId")
    return app


def _secret_string(variable: str) -> str:
    arn = os.environ.get(variable)
    if not arn:
        raise MisconfiguredSecret(f"{variable} is not set")
    secret: str = client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    return secret
