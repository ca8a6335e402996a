"""Imports (profiles with their attributes and a list, suppression entries) from CSV or JSON lines, and exports of an
audience's profiles or devices to CSV: each a background task (clarion.tasks)."""
