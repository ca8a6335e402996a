"""Novu's chat OAuth routes: public (no client key), each says what proves its caller instead (`public=`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import StringConstraints

from clarion.api import SubscriberIdPath, endpoint
from clarion.chat_oauth import flow
from clarion.chat_oauth.signing import OAuthTarget
from clarion.models import ObjectId

router = APIGatewayHttpRouter()

_Token = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
ProviderIdPath = Annotated[str, Path(description="The chat provider, e.g. `slack`", max_length=64)]
EnvironmentIdQuery = Annotated[ObjectId, Query(description="The subscriber's environment")]
IntegrationIdentifierQuery = Annotated[
    str | None, Query(description="The integration to connect, when the provider has several", max_length=128)
]
HmacHashQuery = Annotated[_Token, Query(description="Hex HMAC-SHA256 of the subscriberId under the environment's key")]
CONNECTED_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Connected</title>"
    "<p>Connected. You can close this window.</p><script>window.close();</script>"
)


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/credentials/{providerId}/oauth",
    scope=None,
    public="hmacHash: HMAC-SHA256 of the subscriberId",
    status_code=302,
    summary="Send the subscriber to the chat provider to connect its workspace (Novu's chat OAuth)",
)
def start_chat_oauth(
    *,
    subscriberId: SubscriberIdPath,
    providerId: ProviderIdPath,
    environmentId: EnvironmentIdQuery,
    hmacHash: HmacHashQuery,
    integrationIdentifier: IntegrationIdentifierQuery = None,
) -> Response[str]:
    """Novu's chat OAuth start, opened in the subscriber's browser: redirects (302) to the provider's authorize page
    with a signed `state`. No client key: `hmacHash` must be the HMAC-SHA256 of the subscriberId under the environment's
    key (else a 403); an unknown subscriber is a 404, a provider without an OAuth flow a 422."""
    target = OAuthTarget(environmentId, subscriberId, providerId, integrationIdentifier)
    return _redirect(flow.start(target, hmacHash, _api_url()))


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/credentials/{providerId}/oauth/callback",
    scope=None,
    public="state: signed by the OAuth start route",
    summary="The chat provider's redirect back: store the granted webhook as the subscriber's credentials",
)
def finish_chat_oauth(
    *,
    subscriberId: SubscriberIdPath,
    providerId: ProviderIdPath,
    environmentId: EnvironmentIdQuery,
    state: Annotated[_Token, Query(description="The state the start route signed, as the provider echoes it")],
    code: Annotated[_Token | None, Query(description="The provider's authorization code")] = None,
    error: Annotated[str | None, Query(description="The provider's error instead of a code", max_length=256)] = None,
    integrationIdentifier: IntegrationIdentifierQuery = None,
) -> Response[str]:
    """Where the provider sends the browser back: checks the signed `state`, exchanges `code` for a webhook and stores
    it as the subscriber's credentials for the provider. Then redirects to the app's configured URL, or answers a page
    saying it is connected; a provider that declined is a 400, one that does not answer a 502."""
    target = OAuthTarget(environmentId, subscriberId, providerId, integrationIdentifier)
    redirect_url = flow.finish(target, flow.ProviderAnswer(code, error), state, _api_url())
    if redirect_url:
        return _redirect(redirect_url)
    return Response(
        200,
        "text/html; charset=utf-8",
        CONNECTED_PAGE,
        headers={"Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'"},
    )


def _redirect(location: str) -> Response[str]:
    return Response(302, "text/plain", "", headers={"Location": location, "Cache-Control": "no-store"})


def _api_url() -> str:
    """The scheme, host and stage prefix the caller reached this API at: the provider must come back the same way."""
    event = router.current_event
    stage_prefix = event.raw_path[: len(event.raw_path) - len(event.path)]
    scheme = event.headers.get("x-forwarded-proto") or "https"
    return f"{scheme}://{event.request_context.domain_name}{stage_prefix}"
