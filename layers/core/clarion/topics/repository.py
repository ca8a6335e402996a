"""Topics and their members in SubscribersTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#TOPIC#<key>   TOPIC              the topic: _id, key, name, subscriberCount, createdAt, updatedAt
ENV#<env>#TOPIC#<key>   SUB#<subscriberId> a member (_id, topicId, subscriberId, addedAt): the audience is a Query
ENV#<env>#SUB#<id>      TOPIC#<key>        the membership seen from the subscriber (topicKey, addedAt)
ENV#<env>#COUNTERS      COUNT#TOPICS       `total`: Novu's totalCount in one read
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import (
    NEW_ITEM,
    DynamoTable,
    Expression,
    Page,
    added,
    is_transaction_cancelled,
)
from clarion.errors import Conflict
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store.keys import (
    TOPIC_SK,
    TOPICS_COUNTER_SK,
    counters_pk,
    member_sk,
    membership_sk,
    subscriber_pk,
    topic_pk,
    topics_list_pk,
)
from clarion.subscribers.indexes import LIST_INDEX

if TYPE_CHECKING:
    from clarion.store.entities import Topic, TopicMember

MEMBER_PREFIX = member_sk("")
# a transaction holds 100 operations: one subscriberCount update and two writes per member
MEMBERS_PER_TRANSACTION = 49
_ATTEMPTS = 5
_EMPTY = Expression("attribute_exists(pk) AND subscriberCount = :none", values={":none": 0})
_PRESENT = "attribute_exists(pk)"


class TopicsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def get(self, environment_id: str, key: str) -> Topic | None:
        return cast("Topic | None", self.table.get(topic_pk(environment_id, key), TOPIC_SK, consistent=True))

    def count(self, environment_id: str) -> int:
        return self.table.count_at(counters_pk(environment_id), TOPICS_COUNTER_SK)

    def list_page(self, environment_id: str, *, offset: int, limit: int) -> tuple[list[Topic], bool]:
        """Topics `offset` to `offset + limit` in key order, and whether more follow."""
        partition = {"listPk": topics_list_pk(environment_id)}
        return cast(
            "tuple[list[Topic], bool]", self.table.offset_page(LIST_INDEX, partition, offset=offset, limit=limit)
        )

    def create(self, environment_id: str, topic: Topic) -> bool:
        """Stores a new topic and counts it; False when the key is already taken."""
        item = {
            "pk": topic_pk(environment_id, topic["key"]),
            "sk": TOPIC_SK,
            "listPk": topics_list_pk(environment_id),
            "listSk": topic["key"],
            **topic,
        }
        return self.table.transact_unless_refused(
            [self.table.put_op(item, NEW_ITEM), self._count_topics_op(environment_id, 1)]
        )

    def rename(self, environment_id: str, key: str, name: str, at: str) -> bool:
        """False when the topic no longer exists."""
        update = Expression("SET #name = :name, updatedAt = :at", {"#name": "name"}, {":name": name, ":at": at})
        return self.table.transact_unless_refused(
            [self.table.update_op(topic_pk(environment_id, key), TOPIC_SK, update, _PRESENT)]
        )

    def delete_if_empty(self, environment_id: str, key: str) -> bool:
        """Deletes the topic and uncounts it; False when it is gone or has members (a member may have just joined)."""
        delete = self.table.delete_op(topic_pk(environment_id, key), TOPIC_SK)
        delete["Delete"] |= _EMPTY.params("ConditionExpression")
        return self.table.transact_unless_refused([delete, self._count_topics_op(environment_id, -1)])

    def member_ids(self, environment_id: str, key: str, *, limit: int) -> list[str]:
        page = self.table.query_partition(topic_pk(environment_id, key), prefix=MEMBER_PREFIX, limit=limit)
        return [item["subscriberId"] for item in page.items]

    def members_page(self, environment_id: str, key: str, *, limit: int, cursor: str | None) -> Page[TopicMember]:
        """One page of the topic's members in subscriberId order: a Query of its partition, however big it is."""
        partition = topic_pk(environment_id, key)
        page = self.table.query_partition(partition, prefix=MEMBER_PREFIX, limit=limit, cursor=cursor)
        return cast("Page[TopicMember]", page)

    def get_member(self, environment_id: str, key: str, subscriber_id: str) -> TopicMember | None:
        member = self.table.get(topic_pk(environment_id, key), member_sk(subscriber_id), consistent=True)
        return cast("TopicMember | None", member)

    def add_members(self, environment_id: str, topic: Topic, subscriber_ids: list[str], at: str) -> bool:
        """Adds the subscribers that are not members yet and counts only those; False when the topic is gone."""
        return self._change_members(
            environment_id, topic["key"], subscriber_ids, lambda s: self._join_ops(environment_id, topic, s, at), +1
        )

    def remove_members(self, environment_id: str, key: str, subscriber_ids: list[str]) -> bool:
        """Removes those of the subscribers that are members and uncounts them; False when the topic is gone."""
        return self._change_members(
            environment_id, key, subscriber_ids, lambda s: self._leave_ops(environment_id, key, s), -1
        )

    def _change_members(
        self,
        environment_id: str,
        key: str,
        subscriber_ids: list[str],
        write_ops: Callable[[str], list[dict[str, Any]]],
        direction: int,
    ) -> bool:
        """Writes `write_ops` of each subscriber whose membership changes (the absent ones when joining, the present
        ones when leaving) with subscriberCount changed by as many, a transaction per chunk."""
        joining = direction > 0
        for chunk in _chunks(subscriber_ids):
            for _ in range(_ATTEMPTS):
                present = self._present(environment_id, key, chunk)
                changing = [subscriber_id for subscriber_id in chunk if (subscriber_id in present) != joining]
                if not changing:
                    break
                operations = [self._count_members_op(environment_id, key, direction * len(changing))]
                for subscriber_id in changing:
                    operations += write_ops(subscriber_id)
                try:
                    if not self.table.transact_unless_refused(operations):
                        return False
                    break
                except Exception as error:
                    if not is_transaction_cancelled(error):
                        raise
                    # a member joined or left since the read (its write's condition failed): read again
            else:
                raise Conflict(
                    "the topic's subscribers kept changing during the request; retry it", field="subscribers"
                )
        return True

    def _join_ops(self, environment_id: str, topic: Topic, subscriber_id: str, at: str) -> list[dict[str, Any]]:
        """The member item, conditioned on being new so subscriberCount counts it once, and its mirror."""
        key = topic["key"]
        member = {
            "pk": topic_pk(environment_id, key),
            "sk": member_sk(subscriber_id),
            "_id": new_id(),
            "topicId": topic["_id"],
            "subscriberId": subscriber_id,
            "addedAt": at,
        }
        membership = {
            "pk": subscriber_pk(environment_id, subscriber_id),
            "sk": membership_sk(key),
            "topicKey": key,
            "addedAt": at,
        }
        return [self.table.put_op(member, NEW_ITEM), self.table.put_op(membership)]

    def _leave_ops(self, environment_id: str, key: str, subscriber_id: str) -> list[dict[str, Any]]:
        return [
            self.table.delete_op(topic_pk(environment_id, key), member_sk(subscriber_id), _PRESENT),
            self.table.delete_op(subscriber_pk(environment_id, subscriber_id), membership_sk(key)),
        ]

    def missing(self, environment_id: str, keys: list[str]) -> list[str]:
        """Those of `keys` that name no topic of the environment, in their order (one BatchGetItem per 100)."""
        found = self.table.batch_get([{"pk": topic_pk(environment_id, key), "sk": TOPIC_SK} for key in keys])
        present = {item["key"] for item in found}
        return [key for key in keys if key not in present]

    def memberships(self, environment_id: str, keys: list[str], subscriber_ids: list[str]) -> dict[str, set[str]]:
        """Which of the topics `keys` each of `subscriber_ids` belongs to: one BatchGetItem per 100 (topic, member)
        pairs, for a page of profiles at once (a segment's topic rules)."""
        by_pk = {subscriber_pk(environment_id, s): s for s in subscriber_ids}
        pairs = [{"pk": pk, "sk": membership_sk(k)} for k in keys for pk in by_pk]
        found: dict[str, set[str]] = {}
        for item in self.table.batch_get(pairs):
            found.setdefault(by_pk[item["pk"]], set()).add(item["topicKey"])
        return found

    def _present(self, environment_id: str, key: str, subscriber_ids: list[str]) -> set[str]:
        keys = [{"pk": topic_pk(environment_id, key), "sk": member_sk(s)} for s in subscriber_ids]
        return {item["subscriberId"] for item in self.table.batch_get(keys)}

    def _count_members_op(self, environment_id: str, key: str, change: int) -> dict[str, Any]:
        return self.table.update_op(topic_pk(environment_id, key), TOPIC_SK, added(change, "subscriberCount"), _PRESENT)

    def _count_topics_op(self, environment_id: str, change: int) -> dict[str, Any]:
        return self.table.update_op(counters_pk(environment_id), TOPICS_COUNTER_SK, added(change))


def _chunks(subscriber_ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(subscriber_ids), MEMBERS_PER_TRANSACTION):
        yield subscriber_ids[start : start + MEMBERS_PER_TRANSACTION]
