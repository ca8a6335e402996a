"""Campaigns on the wire: the request bodies (every content string a template checked at save time) and the reply."""

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

from clarion.engine.steps import MAX_STEPS
from clarion.journeys.step_models import BranchRule, DigestSpec, StepId, StepType, ThrottleSpec, WaitSpec
from clarion.models import Model, Name, ObjectId, Request, SubscriberId
from clarion.subscriptions.rules import MARKETING, Purpose
from clarion.templates.render import MAX_SOURCE_CHARS, template_problem

MAX_TOPICS = 100
MAX_SUBSCRIBERS = 1000
MAX_LOCALES = 50
MAX_INBOX_EXPIRY_DAYS = 365
Channel = Literal["email", "sms", "push", "in_app", "chat"]
CampaignStatus = Literal["draft", "active", "paused", "stopped", "completed"]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")]
InboxExpiryDays = Annotated[int, Field(ge=1, le=MAX_INBOX_EXPIRY_DAYS)]
LocaleTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]


def _checked_template(source: str) -> str:
    problem = template_problem(source)
    if problem is not None:
        raise PydanticCustomError("template", "{problem}", {"problem": problem})
    return source


def _checked_templates(value: Any, path: str = "") -> Any:
    """Every string inside a JSON value (push `data`) is a template too."""
    if isinstance(value, str):
        problem = template_problem(value)
        if problem is not None:
            raise PydanticCustomError("template", "{path}{problem}", {"path": path, "problem": problem})
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _checked_templates(item, f"{path}{key}: ")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _checked_templates(item, f"{path}[{index}]: ")
    return value


Template = Annotated[str, StringConstraints(max_length=MAX_SOURCE_CHARS), AfterValidator(_checked_template)]
RequiredTemplate = Annotated[Template, StringConstraints(min_length=1)]


class EmailContent(Request):
    model_config = ConfigDict(serialize_by_alias=True)

    subject: RequiredTemplate
    body: RequiredTemplate = Field(description="HTML; variables are HTML-escaped")
    text: Template | None = Field(default=None, description="The plain-text alternative")
    sender: Template | None = Field(
        default=None, alias="from", description="The sender; the default identity if absent"
    )
    senderName: Template | None = Field(default=None, description="The sender's name; the integration's if absent")


class SmsContent(Request):
    body: RequiredTemplate


class PushContent(Request):
    title: RequiredTemplate
    body: RequiredTemplate
    data: Annotated[dict[str, Any], AfterValidator(_checked_templates)] | None = None


class RedirectData(Request):
    url: RequiredTemplate


class CallToAction(Request):
    type: Literal["redirect"] = "redirect"
    data: RedirectData


class Button(Request):
    type: Literal["primary", "secondary"]
    content: RequiredTemplate
    url: Template | None = None


class InAppContent(Request):
    body: RequiredTemplate
    cta: CallToAction | None = None
    buttons: list[Button] | None = Field(default=None, max_length=2)


class ChatContent(Request):
    body: RequiredTemplate


Content = EmailContent | SmsContent | PushContent | InAppContent | ChatContent
CONTENT_OF_CHANNEL: dict[str, type[Request]] = {
    "email": EmailContent,
    "sms": SmsContent,
    "push": PushContent,
    "in_app": InAppContent,
    "chat": ChatContent,
}


@cache
def _locales_of(channel: str) -> TypeAdapter[dict[str, Request]]:
    """A step's `locales` as its channel's content by tag: built on first use (five at import were ~15 ms of the
    campaigns function's cold start)."""
    return TypeAdapter(dict[LocaleTag, CONTENT_OF_CHANNEL[channel]])  # type: ignore[valid-type]


class Step(Request):
    """A channel send (`channel`, `content`); with `type` another journey step (docs/api.md, "Journeys")."""

    channel: Channel | None = Field(default=None, description="Send steps: the channel")
    content: Content | None = Field(
        default=None, description="Send steps: the fields of the step's channel; every string is a template"
    )
    locales: dict[LocaleTag, Content] | None = Field(
        default=None, max_length=MAX_LOCALES, description="Content by BCP 47 tag (`pt-BR`, `pt`); `content` otherwise"
    )
    layoutId: ObjectId | None = Field(
        default=None,
        description="Email steps: the layout wrapping the body. Absent: the environment's default layout; null: none",
    )

    @field_validator("layoutId")
    @classmethod
    def _layout_of_email(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("channel") != "email":
            raise PydanticCustomError("layout", "only email steps have a layout")
        return value

    id: StepId | None = Field(default=None, description="Journeys: the step's name, which `next` and branches use")
    type: StepType | None = Field(default=None, description="Journeys: the kind of step (absent: send)")
    next: StepId | None = Field(default=None, description="Journeys: the step after this one (absent: the following)")
    wait: WaitSpec | None = Field(default=None, description="Wait steps: a delay, an instant, a local time, an event")
    branches: list[BranchRule] | None = Field(
        default=None, max_length=MAX_STEPS, description="Branch steps: the first rule that holds gives the next step"
    )
    default: StepId | None = Field(default=None, description="Branch steps: the next step when no rule holds")
    maxVisits: int | None = Field(
        default=None, ge=1, le=100, description="Branch steps: how often a run passes here before taking `default`"
    )
    digest: DigestSpec | None = Field(default=None, description="Digest steps: the window (and key)")
    throttle: ThrottleSpec | None = Field(default=None, description="Throttle steps: the limit per window (and key)")

    def stored(self) -> dict[str, Any]:
        """The step as kept: an explicit `layoutId: null` (no layout) is kept, unlike an absent one (the default)."""
        stored = self.model_dump(exclude_none=True, by_alias=True)
        return stored | ({"layoutId": None} if "layoutId" in self.model_fields_set and self.layoutId is None else {})

    @field_validator("content", mode="wrap")
    @classmethod
    def _content_of_channel(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        # validated as the channel's model, so errors name `content.subject`, not the union member
        channel = info.data.get("channel")
        return CONTENT_OF_CHANNEL[channel].model_validate(value) if channel in CONTENT_OF_CHANNEL else handler(value)

    @field_validator("locales", mode="wrap")
    @classmethod
    def _locales_of_channel(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        channel = info.data.get("channel")
        if value is None or channel not in CONTENT_OF_CHANNEL:
            return value
        if isinstance(value, Mapping) and len(value) > MAX_LOCALES:
            return handler(value)
        return _locales_of(channel).validate_python(value)


class AllSubscribers(Request):
    type: Literal["all"]


class ListAudience(Request):
    type: Literal["list"]
    listId: ObjectId = Field(description="A list of the environment: its members when the campaign is sent")


class SegmentAudience(Request):
    type: Literal["segment"]
    segmentId: ObjectId = Field(
        description="A segment of the environment: the profiles matching its rule when the campaign is sent"
    )


class TopicsAudience(Request):
    type: Literal["topics"]
    topicKeys: list[SubscriberId] = Field(min_length=1, max_length=MAX_TOPICS)


class SubscribersAudience(Request):
    type: Literal["subscribers"] = "subscribers"
    subscriberIds: list[SubscriberId] = Field(default_factory=list, max_length=MAX_SUBSCRIBERS)


_AUDIENCES: dict[str, type[Request]] = {
    "all": AllSubscribers,
    "topics": TopicsAudience,
    "subscribers": SubscribersAudience,
    "list": ListAudience,
    "segment": SegmentAudience,
}


def _audience_of_type(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # a known type is validated as its own model, so errors name `audience.topicKeys`, not the union member
    kind = value.get("type") if isinstance(value, Mapping) else None
    return _AUDIENCES[kind].model_validate(value) if isinstance(kind, str) and kind in _AUDIENCES else handler(value)


Audience = Annotated[
    AllSubscribers | TopicsAudience | SubscribersAudience | ListAudience | SegmentAudience,
    Field(discriminator="type"),
    WrapValidator(_audience_of_type),
]
CampaignPurpose = Annotated[
    Purpose,
    Field(
        description="What its messages are for: `marketing` (the default) respects unsubscribes and withdrawn consent, "
        "`transactional` does not (a critical campaign is transactional); any other word is a consent purpose"
    ),
]


class PreferenceSettings(Request):
    """Whether each channel is on for a subscriber who has not chosen."""

    email: bool = True
    sms: bool = True
    in_app: bool = True
    chat: bool = True
    push: bool = True


class CreateCampaignRequest(Request):
    name: Name
    identifier: Identifier | None = Field(
        default=None, description="Unique in the environment; the trigger's `name`. Defaults to a slug of `name`"
    )
    description: str | None = Field(default=None, max_length=1000)
    status: CampaignStatus = "draft"
    critical: bool = Field(default=False, description="Sent whatever the subscriber's preferences")
    purpose: CampaignPurpose = MARKETING
    preferenceSettings: PreferenceSettings = Field(default_factory=PreferenceSettings)
    audience: Audience = Field(
        default_factory=SubscribersAudience, description="Who a trigger reaches besides those it names"
    )
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)
    inboxExpiryDays: InboxExpiryDays | None = Field(
        default=None, description="Days an in-app message stays in the inbox; the environment's default if absent"
    )


class UpdateCampaignRequest(Request):
    """The fields to change; those absent (or null) keep their value."""

    name: Name | None = None
    identifier: Identifier | None = None
    description: str | None = Field(default=None, max_length=1000)
    status: CampaignStatus | None = Field(default=None, description="`completed` is final")
    critical: bool | None = None
    purpose: CampaignPurpose | None = None
    preferenceSettings: PreferenceSettings | None = None
    audience: Audience | None = None
    steps: list[Step] | None = Field(default=None, min_length=1, max_length=MAX_STEPS)
    inboxExpiryDays: InboxExpiryDays | None = None


class Campaign(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    identifier: str
    description: str | None = None
    status: CampaignStatus
    critical: bool
    purpose: Annotated[str, BeforeValidator(lambda value: value or MARKETING)] = Field(
        default=MARKETING,
        description="marketing, transactional, or a consent purpose (saved before purposes: marketing)",
    )
    channels: list[Channel] = Field(description="The distinct channels of the steps, in step order")
    preferenceSettings: dict[str, bool]
    audience: dict[str, Any]
    steps: list[dict[str, Any]]
    inboxExpiryDays: int | None = Field(default=None, description="Days an in-app message stays in the inbox")
    stoppedAt: str | None = Field(default=None, description="When the campaign was last stopped")
    inboxExpiredAt: str | None = Field(
        default=None, description="When expire-inbox last ended its in-app messages (those delivered until then)"
    )
    version: int = Field(description="+1 on each update")
    createdAt: str
    updatedAt: str
    createdBy: str
    updatedBy: str
