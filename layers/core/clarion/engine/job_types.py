"""What a dispatch job carries (clarion.engine.dispatch_jobs): its audience, a recipient's trigger context, a
local-time schedule's zone. Apart from the trigger request models (clarion.engine.models), which only the functions
that accept triggers need at import."""

from typing import Any, NotRequired

from typing_extensions import TypedDict  # pydantic validates these (clarion.engine.dispatch_jobs): typing's needs 3.12


class SegmentTarget(TypedDict):
    """A segment audience: its rule as it was when the send was accepted, so a long fan-out (its continuation jobs)
    evaluates one rule throughout."""

    _id: str
    rule: dict[str, Any]


class Targets(TypedDict):
    subscriberIds: list[str]
    topicKeys: list[str]
    all: bool
    listIds: NotRequired[list[str]]  # absent in jobs queued before lists existed
    segment: NotRequired[SegmentTarget]


class ExecutionTarget(TypedDict):
    """One target of a campaign execute: its id is the transactionId of its messages."""

    id: str
    subscriberId: str
    payload: dict[str, Any]
    user: NotRequired[dict[str, Any]]  # a TriggerUser to upsert first (the client trigger's user object)


class TriggerContext(TypedDict):
    """What a recipient's records are built from (clarion.engine.messages): the trigger's ids and payload, its extras
    when it named them (clarion.engine.trigger_extras), and a journey's digest released before this send."""

    environmentId: str
    campaignId: str
    transactionId: str
    payload: dict[str, Any]
    actor: NotRequired[dict[str, Any]]
    tenant: NotRequired[dict[str, Any]]
    overrides: NotRequired[dict[str, Any]]
    workflowOverride: NotRequired[
        dict[str, Any]
    ]  # the tenant's override of the campaign: {_id, active, preferenceSettings}
    digest: NotRequired[dict[str, Any]]  # a journey's digest: its {events, count}


class ZoneFilter(TypedDict):
    """A local-time schedule's job takes only the subscribers of `timezone`; the default zone's job (`others` set)
    also takes those without a timezone, or in a zone not in `others` (the zones with a job of their own)."""

    timezone: str
    others: list[str] | None


class ZonePlan(TypedDict):
    """A planning job (clarion.schedules.planner): the schedule it plans and the distinct zones found so far."""

    scheduleId: str
    zones: list[str]
