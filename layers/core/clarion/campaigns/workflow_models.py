"""Novu v1 workflows (notification templates) on the wire: the bodies Novu's SDKs send and the workflow they read.

A workflow is a campaign (clarion.campaigns.workflows maps one onto the other). The step fields Novu's SDKs send
with null values, in camelCase or, as the Python SDK 1.x sends them, in snake_case, are accepted; a field that asks
for something Clarion cannot do (a step filter, an inactive step, a scheduled delay) is a 422 naming it.
"""

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from clarion.campaigns.models import PreferenceSettings
from clarion.campaigns.workflow_templates import HandlebarsTemplate
from clarion.engine.steps import MAX_STEPS
from clarion.journeys.step_models import PayloadPath
from clarion.journeys.units import MAX_WAIT_SECONDS, UNIT_SECONDS, DurationUnit
from clarion.models import Model, Name, ObjectId, Request

WorkflowStepType = Literal["email", "sms", "push", "in_app", "chat", "digest", "delay"]
CHANNEL_TYPES = ("email", "sms", "push", "in_app", "chat")
Tag = Annotated[str, StringConstraints(min_length=1, max_length=100)]
MAX_TAGS = 50


def _either(*names: str) -> Any:
    return AliasChoices(*names)


def _unsupported(field: str, why: str) -> PydanticCustomError:
    return PydanticCustomError("unsupported", "{field} is not supported: {why}", {"field": field, "why": why})


class CtaData(Request):
    url: HandlebarsTemplate | None = None


class CtaButton(Request):
    type: Literal["primary", "secondary"]
    content: HandlebarsTemplate
    resultContent: str | None = None


class CtaAction(Request):
    status: str | None = None
    buttons: list[CtaButton] | None = Field(default=None, max_length=2)
    result: dict[str, Any] | None = None


class WorkflowCta(Request):
    """In-app steps: Novu's `cta`; `data.url` is where a click leads, `action.buttons` its buttons."""

    type: Literal["redirect"] = "redirect"
    data: CtaData | None = None
    action: CtaAction | None = None


class MessageTemplate(Request):
    """A step's `template`: its channel content. Every string is a Handlebars template (docs/api.md, Workflows)."""

    type: WorkflowStepType
    content: HandlebarsTemplate | None = Field(default=None, description="The body: HTML for email; the text otherwise")
    contentType: Literal["editor", "customHtml"] | None = None
    subject: HandlebarsTemplate | None = Field(default=None, description="Email steps (required there)")
    title: HandlebarsTemplate | None = Field(default=None, description="Push steps (required there)")
    senderName: HandlebarsTemplate | None = Field(default=None, description="Email steps: the sender's name")
    cta: WorkflowCta | None = Field(default=None, description="In-app steps")
    layoutId: ObjectId | None = Field(default=None, description="Email steps: the layout; absent or null the default")
    preheader: str | None = None
    feedId: str | None = None
    actor: dict[str, Any] | None = None
    name: str | None = Field(default=None, max_length=200)
    variables: list[dict[str, Any]] | None = Field(default=None, max_length=200)
    id: str | None = Field(default=None, alias="_id")
    creatorId: str | None = Field(default=None, alias="_creatorId")

    @model_validator(mode="after")
    def _fields_of_type(self) -> "MessageTemplate":
        required = {"email": ("content", "subject"), "push": ("content", "title")}.get(self.type, ("content",))
        if self.type in CHANNEL_TYPES:
            missing = [name for name in required if not getattr(self, name)]
            if missing:
                raise PydanticCustomError(
                    "missing", "{type} steps need {fields}", {"type": self.type, "fields": missing}
                )
        if self.preheader:
            raise _unsupported("preheader", "email steps have a subject and a body")
        if self.feedId:
            raise _unsupported("feedId", "in-app messages go to the subscriber's one feed")
        if self.actor and self.actor.get("type") not in (None, "none"):
            raise _unsupported("actor", "an in-app message's actor is the trigger's `actor`")
        return self


class StepMetadata(Request):
    """Digest and delay steps: Novu's regular window or delay (`amount`, `unit`)."""

    type: Literal["regular", "backoff", "timed", "scheduled"] | None = None
    amount: int | None = Field(default=None, ge=1)
    unit: DurationUnit | None = None
    digestKey: PayloadPath | None = Field(default=None, validation_alias=_either("digestKey", "digest_key"))
    delayPath: str | None = Field(default=None, validation_alias=_either("delayPath", "delay_path"))
    backoff: bool | None = None
    backoffAmount: int | None = None
    backoffUnit: str | None = Field(default=None, validation_alias=_either("backoffUnit", "backoff_unit"))
    updateMode: bool | None = Field(default=None, validation_alias=_either("updateMode", "update_mode"))
    timed: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _regular_only(self) -> "StepMetadata":
        if self.type not in (None, "regular") or self.backoff or self.delayPath or self.updateMode:
            raise _unsupported(f"a {self.type or 'backoff'} step", "only regular digests and delays (amount, unit)")
        if self.amount is None or self.unit is None:
            raise PydanticCustomError("missing", "digest and delay steps need amount and unit")
        if self.amount * UNIT_SECONDS[self.unit] > MAX_WAIT_SECONDS:
            raise PydanticCustomError("too_long", "at most 365 days")
        return self


class WorkflowStep(Request):
    """One step of a workflow: a channel message, a digest or a delay."""

    template: MessageTemplate
    metadata: StepMetadata | None = Field(default=None, description="Digest and delay steps: the window or delay")
    active: bool | None = Field(default=None, description="Only active steps (true or absent)")
    shouldStopOnFail: bool | None = Field(
        default=None, validation_alias=_either("shouldStopOnFail", "should_stop_on_fail")
    )
    filters: list[dict[str, Any]] | None = Field(default=None, description="Not supported: must be empty")
    variants: list[dict[str, Any]] | None = Field(default=None, description="Not supported: must be empty")
    replyCallback: dict[str, Any] | None = Field(
        default=None, validation_alias=_either("replyCallback", "replay_callback")
    )
    id: str | None = Field(default=None, alias="_id")
    templateId: str | None = Field(default=None, validation_alias=_either("_templateId", "_template_id"))
    parentId: str | None = Field(default=None, validation_alias=_either("_parentId", "_parent_id"))
    uuid: str | None = None
    name: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _what_clarion_runs(self) -> "WorkflowStep":
        if self.active is False:
            raise _unsupported("an inactive step", "leave the step out")
        if self.shouldStopOnFail:
            raise _unsupported("shouldStopOnFail", "use a campaign's branch on the step's status")
        if self.filters:
            raise _unsupported("filters", "use a campaign's branch step (POST /v1/campaigns)")
        if self.variants:
            raise _unsupported("variants", "use a campaign's branch step (POST /v1/campaigns)")
        if self.replyCallback and self.replyCallback.get("active"):
            raise _unsupported("replyCallback", "Clarion receives no replies")
        needs_metadata = self.template.type in ("digest", "delay")
        if needs_metadata and self.metadata is None:
            raise PydanticCustomError("missing", "digest and delay steps need metadata {amount, unit}")
        return self


Steps = Annotated[list[WorkflowStep], Field(min_length=1, max_length=MAX_STEPS)]


class CreateWorkflowRequest(Request):
    name: Name
    notificationGroupId: ObjectId | None = Field(default=None, description="The workflow group; the default if absent")
    notificationGroup: dict[str, Any] | None = Field(
        default=None, description="Ignored, as Novu does without blueprintId"
    )
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)
    description: str | None = Field(default=None, max_length=1000)
    steps: Steps
    active: bool | None = Field(default=None, description="Default false: a draft, which triggers do not send")
    draft: bool | None = Field(default=None, description="Deprecated in Novu: `active` decides")
    critical: bool | None = Field(default=None, description="Sent whatever the subscriber's preferences")
    preferenceSettings: PreferenceSettings | None = None
    blueprintId: None = Field(default=None, description="Not supported: blueprints are Novu's")
    data: dict[str, Any] | None = Field(default=None, description="Custom data, kept as given")


class UpdateWorkflowRequest(Request):
    """The fields to change; those absent (or null) keep their value. `active` and `draft` are ignored, as Novu
    ignores them here: `PUT .../status` changes them."""

    name: Name | None = None
    identifier: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")] | None = Field(
        default=None, description="The trigger identifier"
    )
    notificationGroupId: ObjectId | None = None
    notificationGroup: dict[str, Any] | None = None
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)
    description: str | None = Field(default=None, max_length=1000)
    steps: Steps | None = None
    active: bool | None = None
    draft: bool | None = None
    critical: bool | None = None
    preferenceSettings: PreferenceSettings | None = None
    blueprintId: None = None
    data: dict[str, Any] | None = None


class WorkflowStatusRequest(Request):
    active: bool


class TriggerVariable(Model):
    name: str


class WorkflowTrigger(Model):
    type: Literal["event"] = "event"
    identifier: str = Field(description="The `name` a trigger gives (POST /v1/events/trigger)")
    variables: list[TriggerVariable] = Field(description="The payload fields the step templates read")
    subscriberVariables: list[TriggerVariable] = Field(description="The subscriber fields the channels need")


class Workflow(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id", description="The campaign's id")
    name: str
    description: str | None = None
    active: bool = Field(description="The campaign is active: triggers send")
    draft: bool = Field(description="Not active")
    critical: bool
    tags: list[str]
    preferenceSettings: dict[str, bool]
    steps: list[dict[str, Any]]
    triggers: list[WorkflowTrigger]
    notificationGroupId: str = Field(alias="_notificationGroupId")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    creatorId: str = Field(alias="_creatorId")
    deleted: bool = False
    data: dict[str, Any] | None = None
    createdAt: str
    updatedAt: str


class WorkflowVariables(Model):
    """What Novu's `GET /v1/workflows/variables` answers: the system variables templates can read, by type."""

    translations: dict[str, Any] = Field(description="Always empty: Clarion has no translation keys")
    system: dict[str, Any]
