"""Subscribers in SubscribersTable (keys in clarion.store.keys, indexes in clarion.subscribers.indexes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    Item,
    added,
    cancellation_reasons,
    is_transaction_cancelled,
    set_or_remove,
    to_item,
)
from clarion.settings import settings
from clarion.store.keys import (
    LIST_SK,
    PROFILE_SK,
    SUBSCRIBERS_COUNTER_SK,
    TOPIC_SK,
    contact_key,
    counters_pk,
    list_pk,
    member_sk,
    membership_sk,
    subscriber_pk,
    subscribers_list_pk,
    topic_pk,
)
from clarion.subscribers.indexes import CONTACT_INDEXES, LIST_INDEX

if TYPE_CHECKING:
    from clarion.store.entities import Subscriber

_MEMBERSHIP_PREFIX = membership_sk("")
_EXISTS = "attribute_exists(pk)"
_CONTACT_KEY_NAMES = {index.key for index in CONTACT_INDEXES.values()}


class SubscribersRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def get(self, environment_id: str, subscriber_id: str) -> Subscriber | None:
        """The subscriber's profile item, or None."""
        item = self.table.get(subscriber_pk(environment_id, subscriber_id), PROFILE_SK, consistent=True)
        return cast("Subscriber | None", item)

    def existing_ids(self, environment_id: str, subscriber_ids: Iterable[str]) -> set[str]:
        """Which of `subscriber_ids` exist in the environment (batch reads, 100 keys a request)."""
        return set(self.get_many(environment_id, subscriber_ids, consistent=True))

    def get_many(
        self, environment_id: str, subscriber_ids: Iterable[str], *, consistent: bool = False
    ) -> dict[str, Subscriber]:
        """The profiles of those of `subscriber_ids` that exist, by subscriberId (100 keys a request); `consistent`
        when the caller writes from what it read (a profile created a moment ago must not read as absent)."""
        wanted = list(dict.fromkeys(subscriber_ids))
        keys = [{"pk": subscriber_pk(environment_id, s), "sk": PROFILE_SK} for s in wanted]
        found = self.table.batch_get(keys, consistent=consistent)
        return {item["subscriberId"]: cast("Subscriber", item) for item in found}

    def ids_with_contact(self, environment_id: str, *, email: str | None = None, phone: str | None = None) -> list[str]:
        """The subscribers whose email (any case) or phone is the one given: a Query of EmailIndex / PhoneIndex,
        which hold only profiles having that contact (eventually consistent, as every GSI)."""
        found: dict[str, None] = {}
        for field, address in (("email", email), ("phone", phone)):
            if not address:
                continue
            index = CONTACT_INDEXES[field]
            key = Expression("#key = :key", {"#key": index.key}, {":key": contact_key(environment_id, field, address)})
            found |= dict.fromkeys(item["subscriberId"] for item in self.table.query_items(key, index=index.name))
        return list(found)

    def count(self, environment_id: str) -> int:
        return self.table.count_at(counters_pk(environment_id), SUBSCRIBERS_COUNTER_SK)

    def list_page(self, environment_id: str, *, page: int, limit: int) -> tuple[list[Subscriber], bool]:
        """Page `page` (from 0) of the environment's subscribers in subscriberId order, and whether more follow."""
        found = self.table.offset_page(
            LIST_INDEX, {"listPk": subscribers_list_pk(environment_id)}, offset=page * limit, limit=limit
        )
        return cast("tuple[list[Subscriber], bool]", found)

    def create(self, profile: Subscriber, *, extra_ops: Iterable[dict[str, Any]] = ()) -> bool:
        """Stores a new profile and counts it, with `extra_ops` in the same transaction (its attribute value counts);
        False (and nothing written) when the subscriber already exists."""
        try:
            self.table.transact(
                [
                    self.table.put_op(self._with_keys(profile), NEW_ITEM),
                    self._count_op(profile["environmentId"], 1),
                    *extra_ops,
                ]
            )
        except Exception as error:
            if is_transaction_cancelled(error) and cancellation_reasons(error)[:1] == [CONDITION_FAILED]:
                return False
            raise
        return True

    def put_many(self, environment_id: str, profiles: list[Subscriber], *, created: int) -> int:
        """Writes whole profiles, 25 a request, and counts the `created` new ones once; returns the requests made."""
        requests = self.table.batch_write(puts=[self._with_keys(p) for p in profiles])
        if created:
            self.table.update(counters_pk(environment_id), SUBSCRIBERS_COUNTER_SK, added(created))
            requests += 1
        return requests

    def update(
        self,
        environment_id: str,
        subscriber_id: str,
        changes: Item,
        *,
        expected_updated_at: str | None = None,
        expected_attributes_version: int | None = None,
        extra_ops: list[dict[str, Any]] | None = None,
    ) -> Subscriber | None:
        """Sets the fields of `changes` (a None value removes the field) on an existing profile and returns it;
        None when there is no such subscriber, or it changed since `expected_updated_at` was read, or its attribute
        values since `expected_attributes_version` was. `extra_ops` are written in the same transaction (its attribute
        value counts)."""
        update = set_or_remove(changes | _contact_keys(environment_id, changes))
        condition = _EXISTS
        if expected_updated_at is not None:
            condition += " AND updatedAt = :read"
            update.values[":read"] = expected_updated_at
        if expected_attributes_version is not None:
            text_part, version_values = _attributes_version_is(expected_attributes_version)
            condition += f" AND {text_part}"
            update.values |= version_values
        pk = subscriber_pk(environment_id, subscriber_id)
        if not extra_ops:
            return cast("Subscriber | None", self.table.update(pk, PROFILE_SK, update, condition))
        try:
            self.table.transact([self.table.update_op(pk, PROFILE_SK, update, condition), *extra_ops])
        except Exception as error:
            if is_transaction_cancelled(error):
                return None
            raise
        return self.get(environment_id, subscriber_id)

    def delete(
        self,
        environment_id: str,
        subscriber_id: str,
        *,
        expected_attributes_version: int | None = None,
        extra_ops: Iterable[dict[str, Any]] = (),
    ) -> bool:
        """Removes the subscriber from its topics and lists (keeping their counts right), then its preferences and
        profile, and uncounts it, with `extra_ops` (its attribute value counts) in the same transaction; False when
        there was no such subscriber, or its attribute values changed since `expected_attributes_version` was read."""
        pk = subscriber_pk(environment_id, subscriber_id)
        sort_keys = self._sort_keys(pk)
        if PROFILE_SK not in sort_keys:
            return False
        memberships = [sk for sk in sort_keys if sk.startswith(_MEMBERSHIP_PREFIX)]
        for sk in memberships:
            self._leave_topic(environment_id, subscriber_id, sk.removeprefix(_MEMBERSHIP_PREFIX))
        profile = self.get(environment_id, subscriber_id)
        for list_id in sorted(profile.get("lists") or ()) if profile else []:
            self._leave_group(list_pk(environment_id, list_id), LIST_SK, subscriber_id)
        self.table.batch_write(deletes=[(pk, sk) for sk in sort_keys if sk != PROFILE_SK and sk not in memberships])
        try:
            self.table.transact(
                [
                    self._delete_profile_op(pk, expected_attributes_version),
                    self._count_op(environment_id, -1),
                    *extra_ops,
                ]
            )
        except Exception as error:
            if is_transaction_cancelled(error):
                return False  # deleted meanwhile by another request, which uncounted it
            raise
        return True

    def _delete_profile_op(self, pk: str, expected_attributes_version: int | None) -> dict[str, Any]:
        if expected_attributes_version is None:
            return self.table.delete_op(pk, PROFILE_SK, _EXISTS)
        text, values = _attributes_version_is(expected_attributes_version)
        op = self.table.delete_op(pk, PROFILE_SK, f"{_EXISTS} AND {text}")
        if values:
            op["Delete"]["ExpressionAttributeValues"] = to_item(values)
        return op

    def _leave_topic(self, environment_id: str, subscriber_id: str, topic_key: str) -> None:
        membership = (subscriber_pk(environment_id, subscriber_id), membership_sk(topic_key))
        self._leave_group(topic_pk(environment_id, topic_key), TOPIC_SK, subscriber_id, mirror=membership)

    def _leave_group(
        self, group_pk: str, group_sk: str, subscriber_id: str, *, mirror: tuple[str, str] | None = None
    ) -> None:
        """Deletes the member item of a topic or list (and the topic's membership item, `mirror`) and uncounts it;
        a list's mirror is in the profile, deleted with it."""
        member = (group_pk, member_sk(subscriber_id))
        mirrors = [mirror] if mirror else []
        try:
            self.table.transact(
                [
                    *(self.table.delete_op(*key) for key in mirrors),
                    self.table.delete_op(*member, _EXISTS),
                    self.table.update_op(group_pk, group_sk, added(-1, "subscriberCount"), _EXISTS),
                ]
            )
        except Exception as error:
            if not is_transaction_cancelled(error):
                raise
            # the member or its group is already gone, and with it the count to keep: only tidy up
            self.table.batch_write(deletes=[*mirrors, member])

    def _sort_keys(self, pk: str) -> list[str]:
        key = Expression("pk = :pk", values={":pk": pk})
        return [item["sk"] for item in self.table.query_items(key, consistent=True, projection="sk")]

    def _count_op(self, environment_id: str, delta: int) -> dict[str, Any]:
        return self.table.update_op(counters_pk(environment_id), SUBSCRIBERS_COUNTER_SK, added(delta))

    @staticmethod
    def _with_keys(profile: Subscriber) -> Item:
        """The item of a whole profile: its keys, and the index keys of the contacts it holds now (a profile read,
        merged with changes, may carry those of the contacts it held)."""
        environment_id, subscriber_id = profile["environmentId"], profile["subscriberId"]
        fields = {name: value for name, value in profile.items() if name not in _CONTACT_KEY_NAMES}
        contacts = {name: key for name, key in _contact_keys(environment_id, fields).items() if key is not None}
        return {
            "pk": subscriber_pk(environment_id, subscriber_id),
            "sk": PROFILE_SK,
            "listPk": subscribers_list_pk(environment_id),
            "listSk": subscriber_id,
            **fields,
            **contacts,
        }


def _contact_keys(environment_id: str, fields: Item) -> Item:
    """The index key of each contact `fields` gives; None for one given as None (cleared: its key goes too)."""
    return {
        index.key: contact_key(environment_id, field, fields[field]) if fields[field] else None
        for field, index in CONTACT_INDEXES.items()
        if field in fields
    }


def _attributes_version_is(version: int) -> tuple[str, Item]:
    """The condition that a profile's `attributesVersion` is `version` (0: it has none), and its values. Every write
    of a profile's attribute values increments it, so a write conditioned on the version read loses no count."""
    if version == 0:
        return "attribute_not_exists(attributesVersion)", {}
    return "attributesVersion = :attributesVersion", {":attributesVersion": version}
