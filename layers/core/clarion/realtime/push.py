"""The push to open inboxes: after a message is stored, each of its subscriber's connections gets a small frame that
says how many messages are unseen; the component then reads the feed through the widget API as after a poll.

A push never fails the send it follows: a connection that is gone is dropped, any other failure is logged (without
the subscriber, the token or the content) and the inbox learns of the message at its next poll."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.aws import client_at
from clarion.realtime.connections import Connection, ConnectionsRepository

logger = Logger(child=True)
NOTIFICATION_RECEIVED = "notification_received"
"""The frame's `type` after a new message."""


def push_unseen_count(environment_id: str, subscriber_id: str, unseen_count: Callable[[], int]) -> int:
    """Posts `{"type": "notification_received", "unseenCount": n}` to the subscriber's open connections and returns
    how many took it; never raises. `unseen_count` is read only when the subscriber has a connection: without one,
    a push costs one Query of ConnectionsTable."""
    endpoint = os.environ.get("REALTIME_ENDPOINT")  # the in-app sender's own variable (the WebSocket API and stage)
    if not endpoint:
        return 0
    try:
        connections = ConnectionsRepository()
        open_connections = connections.of_subscriber(environment_id, subscriber_id, now=clock.epoch_seconds())
        if not open_connections:
            return 0
        frame = json.dumps({"type": NOTIFICATION_RECEIVED, "unseenCount": unseen_count()}, separators=(",", ":"))
        management = client_at("apigatewaymanagementapi", endpoint)
    except Exception as error:
        logger.warning("real-time push skipped", extra={"error": type(error).__name__})
        return 0
    delivered = 0
    for connection in open_connections:
        try:
            management.post_to_connection(ConnectionId=connection.connection_id, Data=frame.encode())
            delivered += 1
        except Exception as error:
            _failed(connections, connection, error)
    return delivered


def _failed(connections: ConnectionsRepository, connection: Connection, error: Exception) -> None:
    """A connection API Gateway no longer has (GoneException, 410) is dropped; another failure is only logged."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__
    if code != "GoneException":
        logger.warning("real-time push failed", extra={"error": code})
        return
    try:
        connections.remove(connection)
    except Exception as removal:
        logger.warning("gone connection not removed", extra={"error": type(removal).__name__})
