"""The attribute and tag catalogues in SubscribersTable: one partition per environment and kind, counted in the
environment's counters partition (Novu's totalCount in one read)."""

from collections.abc import Callable, Iterable
from itertools import islice
from typing import NamedTuple

from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Item,
    added,
    cancellation_reasons,
    is_transaction_cancelled,
)
from clarion.settings import settings
from clarion.store.keys import (
    ATTRIBUTE_PREFIX,
    ATTRIBUTES_COUNTER_SK,
    TAG_PREFIX,
    TAGS_COUNTER_SK,
    attribute_sk,
    attributes_pk,
    counters_pk,
    tag_sk,
    tags_pk,
)

MAX_TRANSACTION = 100


class Kind(NamedTuple):
    partition: Callable[[str], str]
    sort_key: Callable[[str], str]
    prefix: str
    counter: str


ATTRIBUTES = Kind(attributes_pk, attribute_sk, ATTRIBUTE_PREFIX, ATTRIBUTES_COUNTER_SK)
TAGS = Kind(tags_pk, tag_sk, TAG_PREFIX, TAGS_COUNTER_SK)


class Catalogue:
    """The catalogued entries of one kind: each entry's `name` is unique in its environment."""

    def __init__(self, kind: Kind, table: DynamoTable | None = None) -> None:
        self.kind = kind
        self.table = table or DynamoTable(settings().subscribers_table)

    def get_many(self, environment_id: str, names: Iterable[str]) -> dict[str, Item]:
        """The entries of those of `names` that are catalogued, by name (strongly consistent: one made a moment ago
        counts)."""
        pk = self.kind.partition(environment_id)
        keys = [{"pk": pk, "sk": self.kind.sort_key(name)} for name in dict.fromkeys(names)]
        return {item["name"]: item for item in self.table.batch_get(keys, consistent=True)}

    def create_many(self, environment_id: str, entries: list[Item]) -> list[str]:
        """Puts each entry whose name is free (each conditioned on `attribute_not_exists`) and counts them, up to 99
        a transaction; returns the names that were taken (nothing written for them)."""
        taken: list[str] = []
        for start in range(0, len(entries), MAX_TRANSACTION - 1):
            pending = entries[start : start + MAX_TRANSACTION - 1]
            while pending:
                refused = self._put_counted(environment_id, pending)
                if refused is None:
                    break
                taken += [entry["name"] for entry in refused]
                pending = [entry for entry in pending if entry not in refused]
        return taken

    def _put_counted(self, environment_id: str, entries: list[Item]) -> list[Item] | None:
        """None when every entry was written; else the entries whose names were taken (then nothing was written)."""
        pk = self.kind.partition(environment_id)
        puts = [self.table.put_op({"pk": pk, "sk": self.kind.sort_key(e["name"]), **e}, NEW_ITEM) for e in entries]
        count = added(len(entries))
        try:
            self.table.transact([*puts, self.table.update_op(counters_pk(environment_id), self.kind.counter, count)])
        except Exception as error:
            if not is_transaction_cancelled(error):
                raise
            reasons = cancellation_reasons(error)
            refused = [entry for entry, reason in zip(entries, reasons, strict=False) if reason == CONDITION_FAILED]
            if not refused:  # cancelled for another reason (a conflicting transaction): the caller retries
                raise
            return refused
        return None

    def page(self, environment_id: str, *, page: int, limit: int) -> tuple[list[Item], bool]:
        """Page `page` (from 0) of the entries in name order, and whether more follow."""
        items = self.table.partition_items(self.kind.partition(environment_id), prefix=self.kind.prefix)
        found = list(islice(items, page * limit, page * limit + limit + 1))
        return found[:limit], len(found) > limit

    def count(self, environment_id: str) -> int:
        return self.table.count_at(counters_pk(environment_id), self.kind.counter)
