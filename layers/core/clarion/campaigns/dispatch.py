"""The dispatcher's work for one dispatch job: the engine fans it out (clarion.engine.fanout), with the runners of
the packages that own the other kinds of work: a journey's runs (clarion.journeys) and a local-time schedule's
planning (clarion.schedules). They sit above the engine, so they are handed to it, never imported by it.
"""

from collections.abc import Callable

from clarion.engine import fanout
from clarion.engine.fanout import DispatchOutcome, Runners
from clarion.engine.models import DispatchJob
from clarion.journeys.machines import start_runs
from clarion.schedules.planner import plan_zones

RUNNERS = Runners(start_runs=start_runs, plan_zones=plan_zones)


def dispatch(
    job: DispatchJob,
    *,
    remaining_ms: Callable[[], int],
    page_size: int = fanout.PAGE_SIZE,
    margin_ms: int = fanout.MARGIN_MS,
) -> DispatchOutcome:
    """Fans the job out until its audience is exhausted or less than `margin_ms` of the invocation remain."""
    return fanout.dispatch(job, remaining_ms=remaining_ms, runners=RUNNERS, page_size=page_size, margin_ms=margin_ms)
