"""The in-app inbox: messages delivered to a subscriber's feed, and what the subscriber did with them (Novu v1)."""
