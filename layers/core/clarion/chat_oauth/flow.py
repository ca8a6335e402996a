"""The two steps of Novu's chat OAuth: start (verify the application's hmacHash, redirect to the provider)
and finish (verify the state, exchange the code, store the webhook as the subscriber's credentials)."""

from typing import NamedTuple
from urllib.parse import quote

from clarion import clock
from clarion.chat_oauth import config
from clarion.chat_oauth.provider import ChatOAuthProvider, ProviderRefused, error_code, with_query
from clarion.chat_oauth.repository import SubscriberChannelsRepository
from clarion.chat_oauth.signing import OAuthTarget, StateSigner, environment_hmac_key, verify_subscriber_hmac
from clarion.chat_oauth.slack import SlackOAuth
from clarion.dynamo import Item
from clarion.errors import NotFound, ValidationFailed
from clarion.subscribers.repository import SubscribersRepository

PROVIDERS: dict[str, ChatOAuthProvider] = {provider.provider_id: provider for provider in (SlackOAuth(),)}


class ProviderAnswer(NamedTuple):
    """What the provider's redirect back carries: a code, or the error it gives instead (a user who declined)."""

    code: str | None
    error: str | None = None


def start(target: OAuthTarget, hmac_hash: str, api_url: str) -> str:
    """The provider's authorize URL for the subscriber; `api_url` is the base URL this API was called at."""
    provider = _provider(target.provider_id)
    hmac_key = environment_hmac_key(config.signing_secret(), target.environment_id)
    verify_subscriber_hmac(hmac_key, target.subscriber_id, hmac_hash)
    app = config.oauth_app(target.provider_id)
    if SubscribersRepository().get(target.environment_id, target.subscriber_id) is None:
        raise NotFound(f"subscriber '{target.subscriber_id}' not found", field="subscriberId")
    state = StateSigner(config.signing_secret()).sign(target, now=clock.epoch_seconds())
    return provider.authorize_url(app, redirect_uri=callback_url(api_url, target), state=state)


def finish(target: OAuthTarget, answer: ProviderAnswer, state: str, api_url: str) -> str | None:
    """Stores the webhook the provider grants; returns where to send the browser (None: a page saying so)."""
    provider = _provider(target.provider_id)
    StateSigner(config.signing_secret()).verify(state, target, now=clock.epoch_seconds())
    if answer.error is not None:
        raise ProviderRefused(
            f"{target.provider_id} did not authorize the app: {error_code(answer.error)}", field="error"
        )
    if not answer.code:
        raise ValidationFailed("code is required", field="code")
    app = config.oauth_app(target.provider_id)
    webhook = provider.exchange_code(app, code=answer.code, redirect_uri=callback_url(api_url, target))
    credentials = {"webhookUrl": webhook.url} | ({"channel": webhook.channel} if webhook.channel else {})
    channel: Item = {"providerId": target.provider_id, "credentials": credentials}
    if target.integration_identifier:
        channel["integrationIdentifier"] = target.integration_identifier
    SubscriberChannelsRepository().set_channel(target.environment_id, target.subscriber_id, channel)
    return app.redirectUrl


def callback_url(api_url: str, target: OAuthTarget) -> str:
    """The redirect_uri: the same in the authorize request and the token exchange, as OAuth requires."""
    path = f"/v1/subscribers/{quote(target.subscriber_id, safe='')}/credentials/{target.provider_id}/oauth/callback"
    query = {"environmentId": target.environment_id}
    if target.integration_identifier:
        query["integrationIdentifier"] = target.integration_identifier
    return with_query(f"{api_url}{path}", query)


def _provider(provider_id: str) -> ChatOAuthProvider:
    provider = PROVIDERS.get(provider_id)
    if provider is None:
        supported = ", ".join(sorted(PROVIDERS))
        raise ValidationFailed(
            f"chat provider '{provider_id}' has no OAuth flow (supported: {supported})", field="providerId"
        )
    return provider
