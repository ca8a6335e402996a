"""Scheduled campaign sends: EventBridge Scheduler one-time schedules that put a dispatch job on the dispatch queue."""
