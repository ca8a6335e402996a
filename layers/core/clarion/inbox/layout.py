"""Where in-app messages live in MessagesTable (docs/data-model.md explains why).

One partition per subscriber's inbox, sorted by time-ordered message id, so the feed is a Query in reverse order.
Only unseen messages carry `unseenPk`, the key of the sparse keys-only UnseenIndex: the unseen count reads
nothing else. `expiresAt` (epoch seconds) is the table's TTL attribute.
"""

from clarion.subscribers.layout import subscriber_pk

UNSEEN_INDEX = "UnseenIndex"
MESSAGE_PREFIX = "MSG#"
# attributes of the stored item that are not part of the message
STORAGE_ATTRIBUTES = frozenset({"pk", "sk", "unseenPk", "expiresAt"})


def inbox_pk(environment_id: str, subscriber_id: str) -> str:
    return f"{subscriber_pk(environment_id, subscriber_id)}#INBOX"


def unseen_pk(environment_id: str, subscriber_id: str) -> str:
    """UnseenIndex partition of a subscriber's unseen messages (sort key: the message's `sk`)."""
    return f"{subscriber_pk(environment_id, subscriber_id)}#UNSEEN"


def message_sk(message_id: str) -> str:
    return f"{MESSAGE_PREFIX}{message_id}"
