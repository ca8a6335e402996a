"""Journey runs in MessagesTable (docs/data-model.md, "Journey runs").

ENV#<env>#TX#<transactionId>                       RUN#<subscriberId>           the run: status, current step, history
ENV#<env>#JOURNEY#<campaignId>#SUB#<subscriberId>  RUN#<createdAt>#<transactionId>  a pointer: a subscriber's runs

The run lives in its transaction's partition (next to the notification), so cancelling a trigger finds its runs
with one Query; the pointer finds a subscriber's runs of a campaign (GET runs, cancel journey). The Lambda tasks
append each step's outcome to the run with an UpdateItem conditioned on `status = running`: a cancelled run's
next task writes nothing and sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from clarion import clock
from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item
from clarion.settings import settings
from clarion.store.keys import RUN_PREFIX, run_pointer_sk, run_pointers_pk, run_sk, transaction_key

if TYPE_CHECKING:
    from clarion.store.entities import JourneyRun

RETENTION_SECONDS = 400 * 24 * 3600  # a run lasts at most a year
FINAL = ("completed", "exited", "digested", "throttled", "failed")


class RunNotRunning(Exception):
    """The run was cancelled (or ended): its task must do nothing."""


class JourneyRuns:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def create(self, run: JourneyRun) -> bool:
        """Writes a new run and its pointer; False when the run exists already (a repeated dispatch)."""
        now = run["createdAt"]
        expires = int(clock.epoch_seconds()) + RETENTION_SECONDS
        item = run | {
            "pk": transaction_key(run["environmentId"], run["transactionId"]),
            "sk": run_sk(run["subscriberId"]),
            "expiresAt": expires,
        }
        if not self.table.put(item, NEW_ITEM):
            return False
        pointer = {
            "pk": run_pointers_pk(run["environmentId"], run["campaignId"], run["subscriberId"]),
            "sk": run_pointer_sk(now, run["transactionId"]),
            "transactionId": run["transactionId"],
            "expiresAt": expires,
        }
        self.table.put(pointer)
        return True

    def get(self, environment_id: str, transaction_id: str, subscriber_id: str) -> JourneyRun | None:
        item = self.table.get(transaction_key(environment_id, transaction_id), run_sk(subscriber_id), consistent=True)
        return cast("JourneyRun | None", item)

    def of_subscriber(self, environment_id: str, campaign_id: str, subscriber_id: str, limit: int) -> list[JourneyRun]:
        """The subscriber's runs of the campaign, newest first."""
        pk = run_pointers_pk(environment_id, campaign_id, subscriber_id)
        pointers = self.table.query_partition(pk, prefix=RUN_PREFIX, limit=limit, newest_first=True).items
        keys = [
            {"pk": transaction_key(environment_id, p["transactionId"]), "sk": run_sk(subscriber_id)} for p in pointers
        ]
        return cast("list[JourneyRun]", self.table.batch_get(keys))

    def all_of_subscriber(self, environment_id: str, campaign_id: str, subscriber_id: str) -> Iterator[JourneyRun]:
        pk = run_pointers_pk(environment_id, campaign_id, subscriber_id)
        pointers = list(self.table.partition_items(pk, prefix=RUN_PREFIX))
        keys = [
            {"pk": transaction_key(environment_id, p["transactionId"]), "sk": run_sk(subscriber_id)} for p in pointers
        ]
        yield from cast("list[JourneyRun]", self.table.batch_get(keys))

    def of_transaction(self, environment_id: str, transaction_id: str) -> Iterator[JourneyRun]:
        runs = self.table.partition_items(transaction_key(environment_id, transaction_id), prefix=RUN_PREFIX)
        yield from cast("Iterator[JourneyRun]", runs)

    def record_step(self, run: Item, step: str, status: str, detail: Item | None = None) -> None:
        """Appends the step's outcome and makes it the current step; RunNotRunning if the run is not running."""
        now = clock.timestamp_now()
        entry: Item = {"step": step, "status": status, "at": now} | ({"detail": detail} if detail else {})
        update = Expression(
            "SET currentStep = :step, updatedAt = :now, history = list_append(if_not_exists(history, :empty), :entry)",
            names={"#status": "status"},
            values={":step": step, ":now": now, ":empty": [], ":entry": [entry], ":running": "running"},
        )
        pk, sk = transaction_key(run["environmentId"], run["transactionId"]), run_sk(run["subscriberId"])
        if self.table.update(pk, sk, update, condition="#status = :running") is None:
            raise RunNotRunning(f"run of transaction {run['transactionId']} is not running")

    def mark_cancelled(self, run: JourneyRun, reason: str) -> bool:
        """Running → cancelled; False when the run was not running."""
        now = clock.timestamp_now()
        update = Expression(
            "SET #status = :cancelled, updatedAt = :now, cancelledAt = :now, "
            "history = list_append(if_not_exists(history, :empty), :entry)",
            names={"#status": "status"},
            values={
                ":cancelled": "cancelled",
                ":running": "running",
                ":now": now,
                ":empty": [],
                ":entry": [
                    {
                        "step": run.get("currentStep") or "",
                        "status": "cancelled",
                        "at": now,
                        "detail": {"reason": reason},
                    }
                ],
            },
        )
        return self.table.update(run["pk"], run["sk"], update, condition="#status = :running") is not None


def public_run(item: JourneyRun) -> dict[str, Any]:
    fields = ("campaignId", "subscriberId", "transactionId", "version", "status", "currentStep", "history")
    return {name: item.get(name) for name in fields} | {
        "createdAt": item["createdAt"],
        "updatedAt": item.get("updatedAt") or item["createdAt"],
        "history": item.get("history") or [],
    }


def _run_key(environment_id: str, transaction_id: str, subscriber_id: str) -> Item:
    return {"pk": transaction_key(environment_id, transaction_id), "sk": run_sk(subscriber_id)}
