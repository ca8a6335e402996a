"""Lists and their members in SubscribersTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#LIST#<listId>   LIST_ITEM           the list: _id, name, description, subscriberCount, createdAt, updatedAt
ENV#<env>#LIST#<listId>   SUB#<subscriberId>  a member (listId, subscriberId, addedAt): the audience is a Query
ENV#<env>#SUB#<id>        PROFILE             the profile's `lists` string set holds the list id while it is a member
ENV#<env>#COUNTERS        COUNT#LISTS         `total`: the totalCount of a page in one read

Each change of a membership writes both sides and the count in one transaction (49 members a transaction).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    Page,
    added,
    cancellation_reasons,
    is_transaction_cancelled,
    set_or_remove,
)
from clarion.errors import Conflict, ValidationFailed
from clarion.settings import settings
from clarion.store.keys import (
    LIST_SK,
    LISTS_COUNTER_SK,
    PROFILE_SK,
    counters_pk,
    list_pk,
    lists_list_pk,
    member_sk,
    subscriber_pk,
)
from clarion.subscribers.indexes import LIST_INDEX

if TYPE_CHECKING:
    from clarion.store.entities import AudienceList, ListMember

MEMBER_PREFIX = member_sk("")
# a transaction holds 100 operations: one subscriberCount update and two writes per member
MEMBERS_PER_TRANSACTION = 49
_ATTEMPTS = 5
_PRESENT = "attribute_exists(pk)"
_EMPTY = Expression("attribute_exists(pk) AND subscriberCount = :none", values={":none": 0})


class ListsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def get(self, environment_id: str, list_id: str) -> AudienceList | None:
        return cast("AudienceList | None", self.table.get(list_pk(environment_id, list_id), LIST_SK, consistent=True))

    def missing(self, environment_id: str, list_ids: list[str]) -> list[str]:
        """Those of `list_ids` that name no list of the environment, in their order (one BatchGetItem per 100)."""
        found = self.table.batch_get([{"pk": list_pk(environment_id, i), "sk": LIST_SK} for i in list_ids])
        present = {item["_id"] for item in found}
        return [list_id for list_id in list_ids if list_id not in present]

    def count(self, environment_id: str) -> int:
        return self.table.count_at(counters_pk(environment_id), LISTS_COUNTER_SK)

    def list_page(self, environment_id: str, *, offset: int, limit: int) -> tuple[list[AudienceList], bool]:
        """Lists `offset` to `offset + limit` in id order (creation order), and whether more follow."""
        partition = {"listPk": lists_list_pk(environment_id)}
        found = self.table.offset_page(LIST_INDEX, partition, offset=offset, limit=limit)
        return cast("tuple[list[AudienceList], bool]", found)

    def create(self, environment_id: str, audience_list: AudienceList) -> None:
        item = {
            "pk": list_pk(environment_id, audience_list["_id"]),
            "sk": LIST_SK,
            "listPk": lists_list_pk(environment_id),
            "listSk": audience_list["_id"],
            **audience_list,
        }
        self.table.transact([self.table.put_op(item, NEW_ITEM), self._count_lists_op(environment_id, 1)])

    def update(self, environment_id: str, list_id: str, changes: dict[str, Any]) -> AudienceList | None:
        """Sets the fields of `changes` (None removes one); the list as it is now, or None when it is gone."""
        found = self.table.update(list_pk(environment_id, list_id), LIST_SK, set_or_remove(changes), _PRESENT)
        return cast("AudienceList | None", found)

    def members_page(self, environment_id: str, list_id: str, *, limit: int, cursor: str | None) -> Page[ListMember]:
        """One page of the members in subscriberId order from `cursor`: the audience's read, however big the list."""
        page = self.table.query_partition(
            list_pk(environment_id, list_id), prefix=MEMBER_PREFIX, limit=limit, cursor=cursor
        )
        return cast("Page[ListMember]", page)

    def members_at(
        self, environment_id: str, list_id: str, *, offset: int, limit: int
    ) -> tuple[list[ListMember], bool]:
        """Members `offset` to `offset + limit` in subscriberId order, and whether more follow (members are ~100 bytes:
        the skipped ones are read a thousand a request)."""
        wanted = offset + limit + 1
        key = Expression(
            "pk = :pk AND begins_with(sk, :prefix)",
            values={":pk": list_pk(environment_id, list_id), ":prefix": MEMBER_PREFIX},
        )
        read = list(islice(self.table.query_items(key, page_size=min(1000, wanted)), wanted))
        return cast("list[ListMember]", read[offset : offset + limit]), len(read) > offset + limit

    def add_members(self, environment_id: str, list_id: str, subscriber_ids: list[str], at: str) -> set[str] | None:
        """Adds those of the subscribers that are not members yet, counting only them; returns the subscriberIds that
        name no profile, or None when the list is gone."""
        unknown: set[str] = set()
        joined = self._change_members(environment_id, list_id, subscriber_ids, joined_at=at, unknown=unknown)
        return unknown if joined else None

    def remove_members(self, environment_id: str, list_id: str, subscriber_ids: list[str]) -> list[str]:
        """Removes those of the subscribers that are members, uncounting them; returns the ids removed."""
        removed: list[str] = []
        self._change_members(environment_id, list_id, subscriber_ids, changed=removed)
        return removed

    def remove_every_member(self, environment_id: str, list_id: str) -> None:
        """Empties the list a page of members at a time (one transaction per 49), so a repeated delete resumes."""
        while True:
            page = self.members_page(environment_id, list_id, limit=MEMBERS_PER_TRANSACTION * 4, cursor=None)
            if not page.items:
                return
            self.remove_members(environment_id, list_id, [member["subscriberId"] for member in page.items])

    def delete_if_empty(self, environment_id: str, list_id: str) -> bool:
        """Deletes the list and uncounts it; False when it is gone or a member joined since it was emptied."""
        delete = self.table.delete_op(list_pk(environment_id, list_id), LIST_SK)
        delete["Delete"] |= _EMPTY.params("ConditionExpression")
        return self.table.transact_unless_refused([delete, self._count_lists_op(environment_id, -1)])

    def _change_members(
        self,
        environment_id: str,
        list_id: str,
        subscriber_ids: list[str],
        *,
        joined_at: str | None = None,
        changed: list[str] | None = None,
        unknown: set[str] | None = None,
    ) -> bool:
        """Adds (`joined_at` given) or removes each subscriber whose membership changes, a transaction per chunk; False
        when the list is gone. `changed` gets the subscribers changed, `unknown` those without a profile."""
        for chunk in _chunks(subscriber_ids):
            outcome = self._change_chunk(environment_id, list_id, chunk, joined_at)
            if outcome is None:
                return False
            changing, profiles = outcome
            if changed is not None:
                changed += changing
            if unknown is not None:
                unknown |= {s for s in chunk if s not in profiles}
        return True

    def _change_chunk(
        self, environment_id: str, list_id: str, chunk: list[str], joined_at: str | None
    ) -> tuple[list[str], set[str]] | None:
        """The subscribers of `chunk` changed (and, joining, those with a profile), with subscriberCount changed by as
        many in the same transaction; None when the list is gone. A cancelled transaction (a concurrent change) reads
        the chunk again; leaving, a member whose profile went is removed without touching the profile; joining, a
        member whose profile lost the list id (a whole-profile rewrite) gets it back."""
        joining = joined_at is not None
        profileless: set[str] = set()
        for _ in range(_ATTEMPTS):
            members, profiles = self._read(environment_id, list_id, chunk, joining=joining)
            changing = (
                [s for s in chunk if s in profiles and s not in members]
                if joining
                else [s for s in chunk if s in members]
            )
            stale = [s for s in chunk if s in members and s in profiles and list_id not in profiles[s]]
            if not changing and not stale:
                return changing, set(profiles)
            try:
                operations = self._chunk_ops(environment_id, list_id, changing, joined_at, profileless)
                operations += [self._mirror_op(environment_id, list_id, subscriber_id) for subscriber_id in stale]
                return (changing, set(profiles)) if self.table.transact_unless_refused(operations) else None
            except Exception as error:
                if not is_transaction_cancelled(error):
                    raise
                if not joining:
                    profileless |= _failed_mirrors(cancellation_reasons(error), changing)
        raise Conflict("the list's members kept changing during the request; retry it", field="subscriberIds")

    def _chunk_ops(
        self, environment_id: str, list_id: str, changing: list[str], joined_at: str | None, profileless: set[str]
    ) -> list[dict[str, Any]]:
        sign = 1 if joined_at is not None else -1
        operations = [self._count_members_op(environment_id, list_id, sign * len(changing))]
        for subscriber_id in changing:
            if joined_at is not None:
                operations += self._join_ops(environment_id, list_id, subscriber_id, joined_at)
            else:
                mirror = subscriber_id not in profileless
                operations += self._leave_ops(environment_id, list_id, subscriber_id, mirror=mirror)
        return operations

    def _read(
        self, environment_id: str, list_id: str, chunk: list[str], *, joining: bool
    ) -> tuple[set[str], dict[str, set[str]]]:
        """Which of `chunk` are members, and (joining) the list ids of those with a profile: one consistent
        BatchGetItem."""
        keys = [{"pk": list_pk(environment_id, list_id), "sk": member_sk(s)} for s in chunk]
        if joining:
            keys += [{"pk": subscriber_pk(environment_id, s), "sk": PROFILE_SK} for s in chunk]
        found = self.table.batch_get(keys, consistent=True)
        members = {item["subscriberId"] for item in found if item["sk"] != PROFILE_SK}
        return members, {item["subscriberId"]: item.get("lists") or set() for item in found if item["sk"] == PROFILE_SK}

    def _join_ops(self, environment_id: str, list_id: str, subscriber_id: str, at: str) -> list[dict[str, Any]]:
        """The member item, conditioned on being new so subscriberCount counts it once, and the profile's mirror,
        conditioned on the profile existing (an update would otherwise create a bare one)."""
        member = {
            "pk": list_pk(environment_id, list_id),
            "sk": member_sk(subscriber_id),
            "listId": list_id,
            "subscriberId": subscriber_id,
            "addedAt": at,
        }
        return [self.table.put_op(member, NEW_ITEM), self._mirror_op(environment_id, list_id, subscriber_id)]

    def _mirror_op(self, environment_id: str, list_id: str, subscriber_id: str) -> dict[str, Any]:
        mirror = Expression("ADD #lists :list", {"#lists": "lists"}, {":list": {list_id}})
        return self.table.update_op(subscriber_pk(environment_id, subscriber_id), PROFILE_SK, mirror, _PRESENT)

    def _leave_ops(
        self, environment_id: str, list_id: str, subscriber_id: str, *, mirror: bool
    ) -> list[dict[str, Any]]:
        """The member's delete and, when its profile is there, the list id out of the profile's `lists` (conditioned
        on the profile existing, as joining is)."""
        delete = self.table.delete_op(list_pk(environment_id, list_id), member_sk(subscriber_id), _PRESENT)
        if not mirror:
            return [delete]
        return [
            delete,
            self.table.update_op(
                subscriber_pk(environment_id, subscriber_id), PROFILE_SK, _unmirror(list_id), _PRESENT
            ),
        ]

    def _count_members_op(self, environment_id: str, list_id: str, change: int) -> dict[str, Any]:
        return self.table.update_op(
            list_pk(environment_id, list_id), LIST_SK, added(change, "subscriberCount"), _PRESENT
        )

    def _count_lists_op(self, environment_id: str, change: int) -> dict[str, Any]:
        return self.table.update_op(counters_pk(environment_id), LISTS_COUNTER_SK, added(change))


def _unmirror(list_id: str) -> Expression:
    return Expression("DELETE #lists :list", {"#lists": "lists"}, {":list": {list_id}})


def _failed_mirrors(reasons: list[str], leaving: list[str]) -> set[str]:
    """The subscribers whose profile update failed its condition in a leaving transaction (the profile is gone): the
    operations are the count, then each member's delete and mirror update, in `leaving` order."""
    return {s for index, s in enumerate(leaving) if reasons[2 + 2 * index : 3 + 2 * index] == [CONDITION_FAILED]}


def _chunks(subscriber_ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(subscriber_ids), MEMBERS_PER_TRANSACTION):
        yield subscriber_ids[start : start + MEMBERS_PER_TRANSACTION]


def require_lists(environment_id: str, list_ids: list[str], *, field: str) -> None:
    """Each list must be one of the environment's (one BatchGetItem): a 422 naming `field` before anything is sent.
    Here, not in the service, so the triggers and schedules check lists without loading the lists' models."""
    missing = ListsRepository().missing(environment_id, list_ids)
    if missing:
        raise ValidationFailed(f"no list has the id '{missing[0]}'", field=field, value=missing[0])
