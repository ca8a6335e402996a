"""Periodic housekeeping run by the HousekeepingFunction every 15 minutes (an EventBridge schedule rule)."""
