"""Suppression lists: addresses Clarion never sends to, per channel, and why."""
