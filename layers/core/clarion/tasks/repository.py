"""Task items in MessagesTable: created with their request's pointer, committed a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from clarion.clock import timestamp_now
from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Page, is_transaction_cancelled
from clarion.settings import settings
from clarion.store.keys import ACTIVE_TASKS_KEY, TASK_PREFIX, task_key_parts, task_request_sk, task_sk, tasks_pk

if TYPE_CHECKING:
    from clarion.store import entities
    from clarion.tasks.models import ChunkResult

ACTIVE_TASKS_INDEX = "ActiveTasksIndex"
"""Sparse: a queued or running task carries `activeKey`, sorted by `progressAt` (its creation, start, or last
committed chunk); ending a task removes `activeKey`."""


class TasksRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def create(self, environment_id: str, task: entities.Task, request_hash: str | None) -> str:
        """Stores the task; with `request_hash`, only if no task was started for that request: returns the id of
        the task that holds it (this one, or the first)."""
        pk = tasks_pk(environment_id)
        item = {
            "pk": pk,
            "sk": task_sk(task["_id"]),
            **task,
            "activeKey": ACTIVE_TASKS_KEY,
            "progressAt": task["createdAt"],
        }
        if request_hash is None:
            self.table.put(item, NEW_ITEM)
            return task["_id"]
        pointer = {"pk": pk, "sk": task_request_sk(request_hash), "taskId": task["_id"], "expiresAt": task["expiresAt"]}
        try:
            self.table.transact([self.table.put_op(pointer, NEW_ITEM), self.table.put_op(item, NEW_ITEM)])
        except Exception as error:
            if not is_transaction_cancelled(error):
                raise
            found = self.table.get(pk, task_request_sk(request_hash), consistent=True)
            if found is None:
                raise
            return str(found["taskId"])
        return task["_id"]

    def get(self, environment_id: str, task_id: str, *, consistent: bool = False) -> entities.Task | None:
        item = self.table.get(tasks_pk(environment_id), task_sk(task_id), consistent=consistent)
        return cast("entities.Task | None", item)

    def page(self, environment_id: str, *, limit: int, cursor: str | None) -> Page[entities.Task]:
        """The newest tasks first."""
        page = self.table.query_partition(
            tasks_pk(environment_id), prefix=TASK_PREFIX, limit=limit, cursor=cursor, newest_first=True
        )
        return cast("Page[entities.Task]", page)

    def start(self, environment_id: str, task_id: str, now: str) -> entities.Task | None:
        """Marks a queued task running; None when it was not queued (started already, or finished)."""
        update = Expression("SET #status = :running, startedAt = :now, progressAt = :now", {"#status": "status"})
        update.values.update({":running": "running", ":now": now, ":queued": "queued"})
        found = self.table.update(tasks_pk(environment_id), task_sk(task_id), update, "#status = :queued")
        return cast("entities.Task | None", found)

    def commit(self, environment_id: str, task: entities.Task, result: ChunkResult) -> entities.Task | None:
        """Records a chunk's work: only from the chunk number `task` was read at, so a chunk that was committed
        already (a redelivered or concurrent run) adds nothing; returns the task as it is now, or None then."""
        names = {"#status": "status", "#position": "position", "#counts": "counts"}
        values: dict[str, Any] = {
            ":read": task["chunk"],
            ":next": task["chunk"] + 1,
            ":position": result.position,
            ":rows": result.rows,
            ":created": result.created,
            ":updated": result.updated,
            ":failed": result.failed,
            ":running": "running",
            ":now": timestamp_now(),
        }
        sets = [
            "chunk = :next",
            "progressAt = :now",
            "#position = :position",
            "done = done + :rows",
            "#counts.created = #counts.created + :created",
            "#counts.updated = #counts.updated + :updated",
            "#counts.failed = #counts.failed + :failed",
        ]
        if result.total is not None:
            sets.append("#total = :total")
            names["#total"] = "total"
            values[":total"] = result.total
        for attribute, wanted in (("errorChunks", bool(result.errors)), ("outputChunks", bool(result.output))):
            if wanted:
                sets.append(f"{attribute} = list_append(if_not_exists({attribute}, :empty), :chunk)")
                values[":empty"], values[":chunk"] = [], [task["chunk"]]
        update = Expression("SET " + ", ".join(sets), names, values)
        condition = "chunk = :read AND #status = :running"
        found = self.table.update(tasks_pk(environment_id), task_sk(task["_id"]), update, condition)
        return cast("entities.Task | None", found)

    def finish(self, environment_id: str, task: entities.Task, changes: dict[str, Any]) -> bool:
        """Ends a running task with `changes` (status, finishedAt, its files); False when it had ended already."""
        names = {f"#{i}": name for i, name in enumerate(changes)} | {"#status": "status"}
        values = {f":{i}": value for i, value in enumerate(changes.values())} | {":running": "running"}
        values[":read"] = task["chunk"]
        sets = ", ".join(f"#{i} = :{i}" for i in range(len(changes)))
        update = Expression(f"SET {sets} REMOVE activeKey", names, values)
        condition = "#status = :running AND chunk = :read"
        return self.table.update(tasks_pk(environment_id), task_sk(task["_id"]), update, condition) is not None

    def idle_since(self, cutoff: str) -> Iterator[StaleTask]:
        """Every queued or running task, of any environment, whose last progress is older than `cutoff`: one
        Query of ActiveTasksIndex, which reads only those."""
        values = {":key": ACTIVE_TASKS_KEY, ":cutoff": cutoff}
        key = Expression("activeKey = :key AND progressAt < :cutoff", values=values)
        for item in self.table.query_items(key, index=ACTIVE_TASKS_INDEX):
            environment_id, task_id = task_key_parts(item["pk"], item["sk"])
            yield StaleTask(environment_id, task_id, str(item["status"]), str(item["progressAt"]))

    def fail_stale(self, stale: StaleTask, error: str) -> bool:
        """Ends the task `failed` with `error`, only if it is as the sweep read it (same status, no progress
        since): a task that moved meanwhile is left alone. False then."""
        update = Expression(
            "SET #status = :failed, #error = :error, finishedAt = :now REMOVE activeKey",
            {"#status": "status", "#error": "error"},
            {":failed": "failed", ":error": error, ":now": timestamp_now()},
        )
        update.values |= {":read": stale.status, ":progressAt": stale.progress_at}
        condition = "#status = :read AND progressAt = :progressAt"
        found = self.table.update(tasks_pk(stale.environment_id), task_sk(stale.task_id), update, condition)
        return found is not None


class StaleTask(NamedTuple):
    """A task's keys and the state the sweep read it in (ActiveTasksIndex projects `status`)."""

    environment_id: str
    task_id: str
    status: str
    progress_at: str
