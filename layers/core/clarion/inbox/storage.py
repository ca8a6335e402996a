"""Where in-app messages live in MessagesTable (docs/data-model.md explains why).

One partition per subscriber's inbox, one item per message under `MSG#<messageId>` (so a message is read and
changed by its id). The feed is newest first by creation time: each message carries `feedSk`
(`<createdAt>#<messageId>`, the id breaking ties), the sort key of InboxFeedIndex (hash: the inbox's `pk`), read in
reverse order; message ids cannot give that order, as the engine's are hashes. Only unseen messages carry
`unseenPk`, the key of the sparse keys-only UnseenIndex: the unseen count reads nothing else. `expiresAt` (epoch
seconds) is the table's TTL attribute; `expiryKey` (the UTC hour of that expiry and a shard) puts the message in
the sparse keys-only InboxExpiryIndex, where housekeeping finds the expired ones hour by hour without a scan.
"""

from datetime import UTC, datetime

from clarion.store.keys import inbox_expiry_key

UNSEEN_INDEX = "UnseenIndex"
FEED_INDEX = "InboxFeedIndex"
EXPIRY_INDEX = "InboxExpiryIndex"
EXPIRY_SHARDS = 4
# attributes of the stored item that are not part of the message
STORAGE_ATTRIBUTES = frozenset({"pk", "sk", "unseenPk", "expiresAt", "feedSk", "expiryKey"})


def expiry_hour(epoch_seconds: float) -> str:
    """The UTC hour of a moment, `yyyy-mm-ddThh`."""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H")


def message_expiry_key(expires_at: float, message_id: str) -> str:
    """InboxExpiryIndex partition of a message: the hour it expires in, spread over EXPIRY_SHARDS by its id."""
    return inbox_expiry_key(expiry_hour(expires_at), ord(message_id[-1]) % EXPIRY_SHARDS)
