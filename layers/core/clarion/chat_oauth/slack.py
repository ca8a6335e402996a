"""Slack's OAuth v2 for incoming webhooks: https://api.slack.com/authentication/oauth-v2."""

from clarion.chat_oauth.config import OAuthApp
from clarion.chat_oauth.provider import (
    ChatWebhook,
    ProviderRefused,
    ProviderUnavailable,
    error_code,
    post_form,
    with_query,
)


class SlackOAuth:
    provider_id = "slack"
    authorize_endpoint = "https://slack.com/oauth/v2/authorize"
    token_endpoint = "https://slack.com/api/oauth.v2.access"
    scope = "incoming-webhook"

    def authorize_url(self, app: OAuthApp, *, redirect_uri: str, state: str) -> str:
        params = {"client_id": app.clientId, "scope": self.scope, "redirect_uri": redirect_uri, "state": state}
        return with_query(app.authorizeUrl or self.authorize_endpoint, params)

    def exchange_code(self, app: OAuthApp, *, code: str, redirect_uri: str) -> ChatWebhook:
        fields = {
            "client_id": app.clientId,
            "client_secret": app.clientSecret,
            "code": code,
            "redirect_uri": redirect_uri,
        }
        status, answer = post_form(self.provider_id, app.tokenUrl or self.token_endpoint, fields)
        if not isinstance(answer, dict):
            raise ProviderUnavailable(f"slack answered the token exchange with HTTP {status} and no JSON")
        if answer.get("ok") is not True:
            error = error_code(answer.get("error"))
            raise ProviderRefused(f"slack refused the authorization code: {error}", field="code")
        webhook = answer.get("incoming_webhook")
        if not isinstance(webhook, dict) or not str(webhook.get("url", "")).startswith("https://"):
            raise ProviderUnavailable("slack granted no incoming webhook: does the app request incoming-webhook?")
        channel = webhook.get("channel")
        return ChatWebhook(webhook["url"], channel if isinstance(channel, str) else None)
