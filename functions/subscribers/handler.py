"""The subscribers function: subscribers, credentials, preferences, subscription status and consent, the in-app feed
and chat OAuth (Novu v1)."""

from clarion.api import create_app, http_handler
from subscribers import feed_routes, oauth_routes, preference_routes, subscriber_routes, subscription_routes

app = create_app(
    subscriber_routes.router,
    preference_routes.router,
    feed_routes.router,
    oauth_routes.router,
    subscription_routes.router,
)
lambda_handler = http_handler(app)
