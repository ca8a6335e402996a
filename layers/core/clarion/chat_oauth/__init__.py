"""Chat provider OAuth (Novu v1): a subscriber connects its chat app (Slack) and Clarion stores the webhook.

The start route checks the application's `hmacHash` for the subscriber and redirects to the provider with a
signed `state`; the provider redirects back to the callback route, which trusts only that state, exchanges
the code for an incoming webhook and stores it as the subscriber's credentials for the provider.
"""
