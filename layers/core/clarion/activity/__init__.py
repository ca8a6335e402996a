"""The activity API: messages, notifications and execution details (Novu v1)."""
