"""Fire EventBridge schedule rules and EventBridge Scheduler schedules (moto stores them but never fires them)."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from local.clock import Clock
from local.events import scheduled_event
from local.schedule_expressions import Expression, parse
from local.targets import Targets, rule_payload

log = logging.getLogger(__name__)
MAX_CATCH_UP = 100
"""Occurrences fired per schedule when the clock jumps far ahead; later ones are skipped."""


@dataclass
class _Tracked:
    version: str
    expression: Expression
    anchor: datetime
    next_fire: datetime | None
    end: datetime | None
    details: dict[str, Any]


class Schedules:
    """Both kinds are listed from moto, so the ones an application creates at run time fire too."""

    def __init__(self, clock: Clock, targets: Targets) -> None:
        self.clock = clock
        self.targets = targets
        self.events = targets.client("events")
        self.scheduler = targets.client("scheduler")
        self._tracked: dict[str, _Tracked] = {}
        self._finished: set[str] = set()
        """One-time schedules that fired before a restart (local.persistence): they do not fire again."""

    def fire_due(self, discovered_at: datetime | None = None) -> int:
        """Fire every occurrence due by now. New schedules count from `discovered_at` (default: now)."""
        now = self.clock.now()
        start = discovered_at or now
        fired = 0
        seen: set[str] = set()
        for arn, version, load in self._listed():
            seen.add(arn)
            tracked = self._tracked.get(arn)
            if tracked is None or tracked.version != version:
                tracked = self._track(load(), version, start)
                if tracked is None:
                    continue
                self._tracked[arn] = tracked
            fired += self._fire(arn, tracked, now)
        for arn in set(self._tracked) - seen:
            del self._tracked[arn]
        return fired

    def next_due(self) -> datetime | None:
        pending = [tracked.next_fire for tracked in self._tracked.values() if tracked.next_fire is not None]
        return min(pending, default=None)

    def finished(self) -> set[str]:
        """ARNs of the one-time schedules that have fired (a schedule that deletes itself then is gone)."""
        fired = {arn for arn, tracked in self._tracked.items() if tracked.expression.one_time and not tracked.next_fire}
        return fired | self._finished

    def mark_finished(self, arns: list[str]) -> None:
        """One-time schedules restored after a restart that fired before it."""
        self._finished.update(arns)

    def _listed(self) -> list[tuple[str, str, Any]]:
        listed: list[tuple[str, str, Any]] = []
        for bus in self.events.list_event_buses()["EventBuses"]:
            for page in self.events.get_paginator("list_rules").paginate(EventBusName=bus["Name"]):
                for rule in page["Rules"]:
                    if rule.get("ScheduleExpression") and rule.get("State") == "ENABLED":
                        version = json.dumps(rule, sort_keys=True, default=str)
                        listed.append((rule["Arn"], version, lambda rule=rule: {"Rule": rule}))
        for page in self.scheduler.get_paginator("list_schedules").paginate():
            for item in page["Schedules"]:
                if item.get("State") == "ENABLED":
                    version = str(item.get("LastModificationDate"))
                    listed.append((item["Arn"], version, lambda item=item: self._schedule(item)))
        return listed

    def _schedule(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"Schedule": self.scheduler.get_schedule(Name=item["Name"], GroupName=item["GroupName"])}

    def _track(self, details: dict[str, Any], version: str, start: datetime) -> _Tracked | None:
        source = details.get("Rule") or details["Schedule"]
        try:
            expression = parse(source["ScheduleExpression"], source.get("ScheduleExpressionTimezone"))
        except ValueError:
            log.warning("%s: unsupported schedule expression %r", source["Arn"], source["ScheduleExpression"])
            return None
        anchor = max(start, source["StartDate"]) if source.get("StartDate") else start
        if expression.one_time:
            first = None if source["Arn"] in self._finished else getattr(expression, "when", None)
        else:
            first = expression.next_after(anchor, anchor)
        return _Tracked(version, expression, anchor, first, source.get("EndDate"), details)

    def _fire(self, arn: str, tracked: _Tracked, now: datetime) -> int:
        fired = 0
        while tracked.next_fire is not None and tracked.next_fire <= now:
            if tracked.end is not None and tracked.next_fire > tracked.end:
                tracked.next_fire = None
                break
            if fired < MAX_CATCH_UP:
                self._deliver(arn, tracked.details, tracked.next_fire)
                fired += 1
            tracked.next_fire = tracked.expression.next_after(tracked.next_fire, tracked.anchor)
        schedule = tracked.details.get("Schedule")
        if fired and tracked.expression.one_time and schedule and schedule.get("ActionAfterCompletion") == "DELETE":
            self.scheduler.delete_schedule(Name=schedule["Name"], GroupName=schedule["GroupName"])
        return fired

    def _deliver(self, arn: str, details: dict[str, Any], when: datetime) -> None:
        log.info("schedule %s fires for %s", arn, when.isoformat())
        if "Rule" in details:
            rule = details["Rule"]
            event = scheduled_event(arn, when, self.targets.account_id, self.targets.region)
            targets = self.events.list_targets_by_rule(Rule=rule["Name"], EventBusName=rule["EventBusName"])
            for target in targets["Targets"]:
                self.targets.deliver(target, rule_payload(target, event))
            return
        target = details["Schedule"]["Target"]
        payload = str(target.get("Input", "{}"))
        for name, value in (
            ("schedule-arn", arn),
            ("scheduled-time", when.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ("execution-id", str(uuid.uuid4())),
            ("attempt-number", "1"),
        ):
            payload = payload.replace(f"<aws.scheduler.{name}>", value)
        self.targets.deliver(target, payload)
