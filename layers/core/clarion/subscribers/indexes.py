"""The indexes of SubscribersTable (its keys are in clarion.store.keys; docs/data-model.md explains why).

Every key starts with the environment id. A subscriber's own items share one partition, so reading or
deleting everything about one subscriber is one Query; lists go through the keys-only ListIndex, and finding
subscribers by email or phone goes through the sparse EmailIndex and PhoneIndex.
"""

from typing import NamedTuple

LIST_INDEX = "ListIndex"


class ContactIndex(NamedTuple):
    name: str
    key: str
    """The profile's attribute the index is keyed by: present while the profile holds that contact."""


CONTACT_INDEXES = {
    "email": ContactIndex("EmailIndex", "contactEmail"),
    "phone": ContactIndex("PhoneIndex", "contactPhone"),
}
