"""Push actions: opens, clicks and dismissals of push and in-app messages, listed and counted per campaign."""
