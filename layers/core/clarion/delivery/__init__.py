"""Delivery: the records the dispatcher writes, the per-channel job queues, and the senders that claim and send."""
