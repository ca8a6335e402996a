"""The WebSocket API's routes: `$connect` stores the connection of a valid subscriber token, `$disconnect` drops it."""

from clarion import clock
from clarion.realtime.connections import ConnectionsRepository
from clarion.widget.tokens import SubscriberSession, verify_token


def connect(token: str | None, connection_id: str) -> SubscriberSession:
    """Stores the connection under the token's environment and subscriber until the token expires; Unauthorized
    (401, nothing stored) for a missing, forged, malformed or expired token."""
    session = verify_token(token or "")
    assert session.expires_at is not None  # a session read from a token has its expiry
    ConnectionsRepository().add(
        session.environment_id,
        session.subscriber_id,
        connection_id,
        connected_at=clock.epoch_seconds(),
        expires_at=session.expires_at,
    )
    return session


def disconnect(connection_id: str) -> bool:
    """Drops the connection; False when it was not stored (a refused `$connect`, or already gone)."""
    connections = ConnectionsRepository()
    connection = connections.find(connection_id)
    if connection is None:
        return False
    connections.remove(connection)
    return True
