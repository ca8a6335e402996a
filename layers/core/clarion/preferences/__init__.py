"""Subscriber preferences: which channels each subscriber accepts, overall and per campaign (Novu v1 preferences)."""
