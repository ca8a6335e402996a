"""A campaign's schedule in CampaignsTable (docs/data-model.md): pk `ENV#<env>`, sk `SCHEDULE#<campaignId>`.

One item per campaign holds its latest schedule: a reschedule overwrites it (conditioned on the version read),
so a campaign has at most one pending schedule, whose EventBridge Scheduler schedules are listed in `schedules`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from clarion.clock import timestamp_now
from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item
from clarion.settings import settings
from clarion.store.keys import environment_pk, schedule_sk

if TYPE_CHECKING:
    from clarion.store.entities import Schedule


class SchedulesRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, campaign_id: str) -> Schedule | None:
        item = self.table.get(environment_pk(environment_id), schedule_sk(campaign_id), consistent=True)
        return cast("Schedule | None", item)

    def put(self, environment_id: str, schedule: Schedule, *, replacing: Schedule | None) -> bool:
        """Writes the campaign's schedule; False when another change came first (the item is not as read)."""
        item = schedule | {"pk": environment_pk(environment_id), "sk": schedule_sk(schedule["campaignId"])}
        if replacing is None:
            return self.table.put(item, NEW_ITEM)
        item["version"] = replacing["version"] + 1
        return self.table.put(item, Expression("version = :version", values={":version": replacing["version"]}))

    def mark_planned(self, environment_id: str, campaign_id: str, schedule_id: str, schedules: list[Item]) -> bool:
        """planning → scheduled with its zones' schedules; False when it was rescheduled or cancelled meanwhile."""
        update = Expression(
            "SET #status = :scheduled, schedules = :schedules, updatedAt = :now, version = version + :one",
            names={"#status": "status"},
            values={
                ":scheduled": "scheduled",
                ":schedules": schedules,
                ":now": timestamp_now(),
                ":one": 1,
                ":id": schedule_id,
                ":planning": "planning",
            },
        )
        condition = "scheduleId = :id AND #status = :planning"
        pk, sk = environment_pk(environment_id), schedule_sk(campaign_id)
        return self.table.update(pk, sk, update, condition=condition) is not None
