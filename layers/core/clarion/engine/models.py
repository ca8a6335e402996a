"""Triggers on the wire (the client campaign trigger and Novu's v1 events trigger) and the dispatch job they queue."""

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Discriminator, Field, Tag

from clarion.engine.wire import TriggerUser
from clarion.models import Model, ObjectId, Request, SubscriberId, TopicKey, TransactionId
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.validation import Email
from clarion.tenants.models import TenantGiven

MAX_RECIPIENTS = 100  # Novu: "Maximum number of recipients can be 100"
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_BULK_EVENTS = 100  # Novu: "The bulk API is limited to 100 events per request"


class CampaignTriggerRequest(Request):
    user: TriggerUser
    event: dict[str, Any] | None = Field(default=None, description="The payload templates see as `event`/`payload`")


class TopicRecipient(Request):
    type: Literal["Topic"]
    topicKey: TopicKey


class ListRecipient(Request):
    """A list's members (Clarion extension of Novu's recipients)."""

    type: Literal["List"]
    listId: ObjectId


class SegmentRecipient(Request):
    """The profiles a segment matches when the trigger is accepted (Clarion extension; one segment a trigger)."""

    type: Literal["Segment"]
    segmentId: ObjectId


def _recipient_kind(value: Any) -> str:
    if isinstance(value, str):
        return "subscriberId"
    if isinstance(value, dict) and (value.get("type") == "Segment" or "segmentId" in value):
        return "segment"
    if isinstance(value, dict) and (value.get("type") == "List" or "listId" in value):
        return "list"
    if isinstance(value, dict) and ("type" in value or "topicKey" in value):
        return "topic"
    return "subscriber"


Recipient = Annotated[
    Annotated[SubscriberId, Tag("subscriberId")]
    | Annotated[TopicRecipient, Tag("topic")]
    | Annotated[ListRecipient, Tag("list")]
    | Annotated[SegmentRecipient, Tag("segment")]
    | Annotated[CreateSubscriberRequest, Tag("subscriber")],
    Discriminator(_recipient_kind),
]


def _as_list(value: Any) -> Any:
    """Novu takes one recipient (or address) or a list of them."""
    return value if isinstance(value, list) else [value]


Addresses = Annotated[list[Email], BeforeValidator(_as_list), Field(max_length=50, description="One address or a list")]
IntegrationIdentifier = Annotated[
    str, Field(min_length=1, max_length=100, description="The active integration that sends the channel's messages")
]


class EmailOverrides(Model):
    """Novu v1's `overrides.email`; its other keys (to, customData, headers, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    from_: Email | None = Field(default=None, alias="from", description="The sender's address")
    senderName: str | None = Field(default=None, max_length=100)
    replyTo: Addresses | None = None
    cc: Addresses | None = None
    bcc: Addresses | None = None
    text: str | None = Field(default=None, description="The plain-text part")
    integrationIdentifier: IntegrationIdentifier | None = None


class SmsOverrides(Model):
    """Novu v1's `overrides.sms`; its other keys (to, from, customData) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    content: str | None = Field(default=None, description="Replaces the text")
    integrationIdentifier: IntegrationIdentifier | None = None


class TriggerOverrides(Model):
    """Novu v1's trigger `overrides`. `fcm`, `apns` and `push` take {title, body, data} (data merged over the
    step's); other keys (provider ids, Novu v2's `steps`, ...) are accepted and ignored, as Novu ignores them."""

    model_config = ConfigDict(extra="allow")

    layoutIdentifier: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The layout wrapping every email step of the trigger; naming none, the steps keep theirs",
    )
    email: EmailOverrides | None = None
    sms: SmsOverrides | None = None

    def as_job(self) -> dict[str, Any]:
        """What the dispatch job carries: the overrides given, Novu's names, nothing unset."""
        return self.model_dump(by_alias=True, exclude_none=True)


class EventTriggerRequest(Request):
    """Novu's `POST /v1/events/trigger` body."""

    name: str = Field(min_length=1, max_length=100, description="The campaign's identifier (Novu's workflow trigger)")
    to: Annotated[list[Recipient], BeforeValidator(_as_list)] = Field(
        min_length=1,
        max_length=MAX_RECIPIENTS,
        description="A subscriberId, a subscriber object (upserted), a topic {type: Topic, topicKey}, a list of "
        "profiles {type: List, listId}, or an array of them",
    )
    payload: dict[str, Any] = Field(default_factory=dict)
    overrides: TriggerOverrides | None = None
    transactionId: TransactionId | None = Field(default=None, description="Generated when absent")
    actor: SubscriberId | CreateSubscriberRequest | None = Field(
        default=None, description="Who acted: a subscriberId or a subscriber (upserted); templates see it as `actor`"
    )
    tenant: TenantGiven | None = Field(
        default=None,
        description="A tenant identifier or {identifier, name, data}: created when new, updated when they differ; "
        "templates see the stored tenant as `tenant`",
    )


class BulkTriggerRequest(Request):
    """Novu's `POST /v1/events/trigger/bulk` body: each event is a trigger body, validated as one."""

    events: list[EventTriggerRequest] = Field(min_length=1, max_length=MAX_BULK_EVENTS)


class BroadcastRequest(Request):
    """Novu's `POST /v1/events/trigger/broadcast` body: a trigger to every subscriber of the environment."""

    name: str = Field(min_length=1, max_length=100, description="The campaign's identifier (Novu's workflow trigger)")
    payload: dict[str, Any] = Field(default_factory=dict)
    overrides: TriggerOverrides | None = None
    transactionId: TransactionId | None = Field(default=None, description="Generated when absent")
    actor: SubscriberId | CreateSubscriberRequest | None = Field(
        default=None, description="Who acted: a subscriberId or a subscriber (upserted); templates see it as `actor`"
    )
    tenant: TenantGiven | None = Field(
        default=None,
        description="A tenant identifier or {identifier, name, data}: created when new, updated when they differ; "
        "templates see the stored tenant as `tenant`",
    )


class FailedTriggerResult(Model):
    """One event of a bulk trigger that was refused (the others are still triggered)."""

    acknowledged: bool = False
    status: Literal["error"] = "error"
    error: list[str]
    transactionId: str | None = None
