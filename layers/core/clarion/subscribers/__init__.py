"""Subscribers: the people Clarion sends to, their credentials, preferences and topic memberships."""
