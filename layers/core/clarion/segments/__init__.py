"""Segments: rule trees over profiles, evaluated at send time."""
