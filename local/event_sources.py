"""What runs without a request: queued invocations, schedules, queue pollers, TTL expiry, Step Functions."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from moto.stepfunctions.responses import get_backend as stepfunctions_backend

from local import clients
from local.clock import Clock
from local.functions import FunctionRegistry
from local.moto_patches import Hooks
from local.queues import QueuePoller
from local.schedules import Schedules
from local.stack import Stack
from local.targets import Targets
from local.ttl import delete_expired

log = logging.getLogger(__name__)
TTL_SWEEP_SECONDS = 60


class DrainTimeout(TimeoutError):
    pass


@dataclass(frozen=True)
class DrainReport:
    invocations: dict[str, int]
    """Invocations per function logical id during the drain."""
    executions_finished: int
    messages_delivered: int
    schedules_fired: int


class EventSources:
    def __init__(self, stack: Stack, registry: FunctionRegistry, clock: Clock, time_scale: Callable[[], float]) -> None:
        region, account = stack.resolver.region, stack.resolver.account_id
        self.stack = stack
        self.registry = registry
        self.clock = clock
        self.time_scale = time_scale
        self.deferred: queue.SimpleQueue[Callable[[], object]] = queue.SimpleQueue()
        targets = Targets(registry, region, account)
        self.hooks = Hooks(clock, registry, time_scale, self.deferred.put, targets.deliver)
        sqs = clients.client("sqs", region)
        self.pollers = [QueuePoller(mapping, registry, sqs, region) for mapping in stack.event_source_mappings]
        self.schedules = Schedules(clock, targets)
        self.dynamodb = clients.client("dynamodb", region)
        self.schedules_fired = 0
        self.messages_delivered = 0
        self._expired_at = 0.0
        self._lock = threading.RLock()

    def tick(self, discovered_at: datetime | None = None) -> int:
        """Run queued invocations, fire due schedules, deliver visible messages, expire TTL items (after a
        clock advance, else once a minute). Returns how much work it did (0: none was due).
        """
        with self._lock:
            work = 0
            while not self.deferred.empty():
                self.deferred.get_nowait()()
                work += 1
            fired = self.schedules.fire_due(discovered_at)
            self.schedules_fired += fired
            for poller in self.pollers:
                while delivered := poller.poll():
                    self.messages_delivered += delivered
                    work += 1
            if discovered_at is not None or self.clock.time() - self._expired_at >= TTL_SWEEP_SECONDS:
                self._expired_at = self.clock.time()
                tables = list(self.stack.resources.tables.values())
                delete_expired(self.dynamodb, self.stack.resolver.account_id, tables, self._expired_at)
            return work + fired

    def executions(self) -> tuple[set[str], set[str]]:
        """ARNs of the running and the finished Step Functions executions, read in moto's memory (moto runs in this
        process, as for local.ttl): through the API it cost a request per state machine at each look, and a drain
        looks at every turn while the state machines of a long-lived stack (one a journey) add up."""
        running: set[str] = set()
        finished: set[str] = set()
        for machine in list(
            stepfunctions_backend(self.stack.resolver.account_id, self.stack.resolver.region).state_machines
        ):
            for execution in list(machine.executions):
                (running if execution.status == "RUNNING" else finished).add(execution.execution_arn)
        return running, finished

    def awaiting(self) -> set[str]:
        """Executions waiting for a task token: only someone else (or the clock) moves them on. One whose token
        was answered, or whose timeout the clock has reached, is not: its thread is about to wake and go on."""
        now = self.clock.time()
        return {
            task.execution for task in list(self.hooks.awaiting.values()) if task.ends_at > now and not task.answered()
        }

    def skip_waits(self, running: set[str]) -> None:
        """With time_scale 0, when every running execution is in a Wait state or awaits a task token (and one at
        least is in a Wait), jump to the first wait's end or token timeout."""
        waits = list(self.hooks.waiting.values())
        pending = waits + [(task.execution, task.ends_at) for task in list(self.hooks.awaiting.values())]
        if self.time_scale() > 0 or not waits or not running <= {execution for execution, _ in pending}:
            return
        first_end = min(end for _, end in pending)
        if first_end > self.clock.time():
            self.clock.advance(first_end - self.clock.time())

    def drain(self, timeout: float) -> DrainReport:
        deadline = time.monotonic() + timeout
        before = Counter(self.registry.invocations)
        previous, finished_before = self.executions()
        fired, delivered = self.schedules_fired, self.messages_delivered
        while True:
            # what an execution did before it awaited (or ended) is ticked only if it awaited (or ran) before the
            # tick: the executions awaiting and running before it decide whether the drain is over
            awaiting = self.awaiting()
            busy = self.tick() > 0
            running, finished = self.executions()
            if not busy and self.deferred.empty():
                if not (running | previous) - awaiting:
                    break
                self.skip_waits(running)
            previous = running
            if time.monotonic() > deadline:
                raise DrainTimeout(f"not quiet after {timeout} s: {len(running)} executions running")
            if not busy:
                time.sleep(0.005)
        invocations = Counter(self.registry.invocations)
        invocations.subtract(before)
        return DrainReport(
            invocations={name: count for name, count in invocations.items() if count},
            executions_finished=len(finished - finished_before),
            messages_delivered=self.messages_delivered - delivered,
            schedules_fired=self.schedules_fired - fired,
        )

    def run_forever(self, interval: float, stop: threading.Event) -> None:
        """The server's background loop: tick (and skip waits when time_scale is 0) until `stop` is set."""
        while not stop.wait(interval):
            try:
                self.tick()
                if self.time_scale() == 0:
                    self.skip_waits(self.executions()[0])
            except Exception:
                log.exception("event source tick failed")
