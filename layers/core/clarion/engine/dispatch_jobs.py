"""The dispatch queue's jobs: one model per kind of work, told apart by `kind` (the dispatcher's table of handlers is
clarion.campaigns.dispatch.HANDLERS).

- `send`: a trigger's audience, a page at a time from `cursor` on (triggers, campaign sends, a schedule's `sendAt`);
- `zone`: the same, only the subscribers of one timezone (a local-time schedule's zone, clarion.schedules.planner);
- `plan`: no message, the audience's zones collected to plan a local-time schedule (clarion.schedules.service);
- `execute`: a campaign execute's targets, each with its own payload (clarion.campaigns.operations).

A body without `kind` was queued (or put in a Scheduler schedule, up to a year ahead) before kinds existed: `kind_of`
reads its kind by the rule the dispatcher used then.
"""

import json
from functools import cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Discriminator, Tag, TypeAdapter

from clarion.engine import trigger_extras
from clarion.engine.job_types import ExecutionTarget, Targets, TriggerContext, ZoneFilter, ZonePlan
from clarion.models import Model


class AudienceJob(Model):
    """A trigger's audience and what its records are built from; the kinds below say what is done with it."""

    environmentId: str
    campaignId: str
    transactionId: str
    payload: dict[str, Any]
    targets: Targets
    cursor: dict[str, Any] | None = None  # where the next page starts (clarion.engine.audience); None: the start
    actor: dict[str, Any] | None = None  # the trigger's extras (clarion.engine.trigger_extras)
    tenant: dict[str, Any] | None = None
    overrides: dict[str, Any] | None = None
    workflowOverride: dict[str, Any] | None = None

    def context(self) -> TriggerContext:
        """What each recipient's records are built from (one object for the whole job: see integrations.selection)."""
        context = TriggerContext(
            environmentId=self.environmentId,
            campaignId=self.campaignId,
            transactionId=self.transactionId,
            payload=self.payload,
        )
        for name in trigger_extras.JOB_EXTRAS:
            if value := getattr(self, name):
                context[name] = value  # type: ignore[literal-required]
        return context

    def as_job(self, kind: type["J"], **fields: Any) -> "J":
        """This job's audience and trigger as a job of another kind (a schedule's plan, a planned zone's send)."""
        return kind.model_validate({name: getattr(self, name) for name in AudienceJob.model_fields} | fields)


J = TypeVar("J", bound=AudienceJob)


class SendJob(AudienceJob):
    kind: Literal["send"] = "send"


class ZoneJob(AudienceJob):
    kind: Literal["zone"] = "zone"
    zone: ZoneFilter


class PlanJob(AudienceJob):
    kind: Literal["plan"] = "plan"
    plan: ZonePlan


class ExecuteJob(Model):
    """Up to EXECUTE_JOB_TARGETS targets of one execute (`transactionId` is the execution's id)."""

    kind: Literal["execute"] = "execute"
    environmentId: str
    campaignId: str
    transactionId: str
    execution: list[ExecutionTarget]
    clientId: str = ""  # who executed: the upserted subscribers' createdBy


LEGACY_KEYS = {"execution": "execute", "plan": "plan", "zone": "zone"}
"""Before kinds, the key that told a job's kind, in the order the dispatcher looked for them."""


def kind_of(body: Any) -> str | None:
    """The kind of a job (a model, or a body being parsed); a body without one by the dispatcher's old rule: the
    first of `execution`, `plan` and `zone` it has, else a send."""
    if not isinstance(body, dict):
        return getattr(body, "kind", None)
    if "kind" in body:
        kind = body["kind"]
        return kind if isinstance(kind, str) else None
    return next((kind for key, kind in LEGACY_KEYS.items() if key in body), "send")


DispatchJob = Annotated[
    Annotated[SendJob, Tag("send")]
    | Annotated[ZoneJob, Tag("zone")]
    | Annotated[PlanJob, Tag("plan")]
    | Annotated[ExecuteJob, Tag("execute")],
    Discriminator(kind_of),
]
"""One message of the dispatch queue."""


@cache
def _adapter() -> TypeAdapter[DispatchJob]:
    return TypeAdapter(DispatchJob)


def parse_dispatch_job(body: str | dict[str, Any]) -> DispatchJob:
    """The job of a queue body (JSON text) or of its parsed JSON; raises pydantic's ValidationError."""
    if isinstance(body, str):
        return _adapter().validate_json(body)
    return _adapter().validate_python(body)


def dispatch_body(job: DispatchJob) -> str:
    """The JSON a job travels as (the queue's message body, a Scheduler schedule's input): the fields it does not set
    are left out (not nulls inside them: exclude_none would drop a zone's `others`)."""
    fields = {name: value for name, value in job.model_dump().items() if value is not None}
    return json.dumps(fields, separators=(",", ":"))
