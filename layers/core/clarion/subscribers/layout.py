"""Where each item of SubscribersTable lives (docs/data-model.md explains why).

Every key starts with the environment id. A subscriber's own items share one partition, so reading or
deleting everything about one subscriber is one Query; lists go through the keys-only ListIndex, and finding
subscribers by email or phone goes through the sparse EmailIndex and PhoneIndex.
"""

import hashlib
from typing import NamedTuple

LIST_INDEX = "ListIndex"
PROFILE = "PROFILE"
GLOBAL_PREFERENCE = "PREF#GLOBAL"


def subscriber_pk(environment_id: str, subscriber_id: str) -> str:
    """The partition of one subscriber: its profile, preferences and the topics it belongs to."""
    return f"ENV#{environment_id}#SUB#{subscriber_id}"


def subscribers_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's subscribers (sort key: the subscriberId)."""
    return f"ENV#{environment_id}#SUBSCRIBERS"


class ContactIndex(NamedTuple):
    name: str
    key: str
    """The profile's attribute the index is keyed by: present while the profile holds that contact."""


CONTACT_INDEXES = {
    "email": ContactIndex("EmailIndex", "contactEmail"),
    "phone": ContactIndex("PhoneIndex", "contactPhone"),
}


def contact_key(environment_id: str, field: str, address: str) -> str:
    """EmailIndex / PhoneIndex partition of an address, hashed so the index does not copy it; an email is
    lower-cased first, so any case finds it."""
    normalized = address.lower() if field == "email" else address
    return f"{environment_id}#{hashlib.sha256(normalized.encode()).hexdigest()}"


def campaign_preference_sk(campaign_id: str) -> str:
    return f"PREF#CAMPAIGN#{campaign_id}"


def membership_sk(topic_key: str) -> str:
    """In the subscriber's partition: it belongs to this topic (so deleting it finds its topics)."""
    return f"TOPIC#{topic_key}"


def topic_pk(environment_id: str, topic_key: str) -> str:
    """The partition of one topic: the topic item and one item per member, paged by subscriberId."""
    return f"ENV#{environment_id}#TOPIC#{topic_key}"


TOPIC = "TOPIC"


def member_sk(subscriber_id: str) -> str:
    return f"SUB#{subscriber_id}"


def topics_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's topics (sort key: the topic key)."""
    return f"ENV#{environment_id}#TOPICS"


def counter_pk(environment_id: str) -> str:
    """Counters kept beside the items they count (`COUNT#SUBSCRIBERS`, `COUNT#TOPICS`): totalCount is one read."""
    return f"ENV#{environment_id}#COUNTERS"
