"""What the API does with journeys: cancel a campaign's runs for given subscribers, list a subscriber's runs; and
cancel a trigger, its runs with it. A subscriber's events, which resume the runs waiting for them, are
`journeys.hits`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clarion.engine.cancel import cancel_transaction
from clarion.errors import NotFound
from clarion.journeys.machines import current_state, stop_run
from clarion.journeys.models import (
    CancelJourneyRequest,
    CancelJourneyResult,
    JourneyRun,
)
from clarion.journeys.runs import JourneyRuns, public_run
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities

CANCEL_REASON = "the journey was cancelled"
TRIGGER_CANCEL_REASON = "the trigger was cancelled"


def cancel_journey(caller: Principal, campaign_id: str, request: CancelJourneyRequest) -> CancelJourneyResult:
    """Stops every running run of the campaign for the subscribers the targets name (by id, email or phone)."""
    _require_campaign(caller, campaign_id)
    environment_id = caller.environment_id
    subscribers: dict[str, None] = {}
    repository = SubscribersRepository()
    for target in request.targets:
        if target.subscriberId is not None:
            subscribers[target.subscriberId] = None
        else:
            for found in repository.ids_with_contact(environment_id, email=target.email, phone=target.phone):
                subscribers[found] = None
    result = CancelJourneyResult(cancelled=0, alreadyCancelled=0, alreadyCompleted=0, subscribers=len(subscribers))
    runs = JourneyRuns()
    for subscriber_id in subscribers:
        for run in runs.all_of_subscriber(environment_id, campaign_id, subscriber_id):
            outcome = _cancel(runs, run, CANCEL_REASON)
            if outcome == "cancelled":
                result.cancelled += 1
            elif outcome == "already_cancelled":
                result.alreadyCancelled += 1
            else:
                result.alreadyCompleted += 1
    return result


def cancel_trigger(caller: Principal, transaction_id: str) -> bool:
    """Novu's `DELETE /v1/events/trigger/{transactionId}`: what is still queued (clarion.engine.cancel) and the
    journey runs of the transaction stop."""
    return cancel_transaction(caller, transaction_id, stop_runs=cancel_transaction_runs)


def cancel_transaction_runs(environment_id: str, transaction_id: str) -> int:
    """Novu's trigger cancel: stops the transaction's running runs; returns how many."""
    runs = JourneyRuns()
    return sum(
        _cancel(runs, run, TRIGGER_CANCEL_REASON) == "cancelled"
        for run in runs.of_transaction(environment_id, transaction_id)
    )


def list_runs(caller: Principal, campaign_id: str, subscriber_id: str, limit: int) -> list[JourneyRun]:
    _require_campaign(caller, campaign_id)
    items = JourneyRuns().of_subscriber(caller.environment_id, campaign_id, subscriber_id, limit)
    items.sort(key=lambda item: item["createdAt"], reverse=True)
    return [JourneyRun.model_validate(public_run(_with_current_step(item))) for item in items]


def _with_current_step(run: entities.JourneyRun) -> entities.JourneyRun:
    """A running run's step as its execution says (a native Wait writes nothing to the run item)."""
    if run["status"] != "running":
        return run
    return run | {"currentStep": current_state(run) or run.get("currentStep")}


def _cancel(runs: JourneyRuns, run: entities.JourneyRun, reason: str) -> str:
    if run["status"] == "cancelled":
        return "already_cancelled"
    if run["status"] != "running":
        return "already_completed"
    # the mark first: a task starting meanwhile finds the run no longer running and sends nothing
    if not runs.mark_cancelled(run, reason):
        current = runs.get(run["environmentId"], run["transactionId"], run["subscriberId"])
        return (
            "already_cancelled" if current is not None and current.get("status") == "cancelled" else "already_completed"
        )
    stop_run(run, reason)
    return "cancelled"


def _require_campaign(caller: Principal, campaign_id: str) -> None:
    if CampaignsRepository().get(caller.environment_id, campaign_id) is None:
        raise NotFound(f"campaign '{campaign_id}' not found", field="campaignId")
