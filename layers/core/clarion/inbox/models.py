"""In-app messages and the feed's requests, in Novu v1's shapes."""

import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints

from clarion.models import Model, ObjectId, Request

MarkAs = Literal["read", "seen", "unread", "unseen"]
ActionType = Literal["primary", "secondary"]
ActionStatus = Literal["pending", "done"]
MAX_ACTION_PAYLOAD_BYTES = 16 * 1024


def _listed(value: Any) -> Any:
    """Novu takes one id, a comma-separated string of ids, or a list of them."""
    return [part.strip() for part in value.split(",")] if isinstance(value, str) else value


def _small(payload: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(payload)) > MAX_ACTION_PAYLOAD_BYTES:
        raise ValueError(f"payload is larger than {MAX_ACTION_PAYLOAD_BYTES} bytes of JSON")
    return payload


MessageIds = Annotated[list[ObjectId], BeforeValidator(_listed), Field(min_length=1, max_length=100)]
FeedIdentifier = Annotated[str, StringConstraints(min_length=1, max_length=100)]
FeedIdentifiers = Annotated[list[FeedIdentifier], BeforeValidator(_listed), Field(min_length=1, max_length=20)]


class MarkFields(Request):
    seen: StrictBool | None = None
    read: StrictBool | None = None


class MarkAsRequest(Request):
    messageId: MessageIds = Field(description="A message id, a list of them, or a comma-separated string of them")
    markAs: MarkAs | None = Field(default=None, description="`read` also marks seen; `unread` keeps seen")
    mark: MarkFields | None = Field(default=None, description="Novu's older form, `{seen?, read?}`, instead of markAs")


class MarkAllRequest(Request):
    markAs: MarkAs
    feedIdentifier: FeedIdentifiers | None = Field(default=None, description="Only the messages of these feeds")


class RemoveMessagesRequest(Request):
    messageIds: Annotated[list[ObjectId], Field(min_length=1, max_length=100)] = Field(
        description="The ids of the messages to delete (1 to 100)"
    )


class ActionRequest(Request):
    status: ActionStatus
    payload: Annotated[dict[str, Any], AfterValidator(_small)] | None = None


# What the API answers is read from storage, where the delivery engine wrote it: these models type what Novu's
# clients rely on and take the values as stored, so an answer never fails on a value the requests would refuse.
class MessageButton(Model):
    type: str = Field(description="primary or secondary")
    content: str
    resultContent: str | None = None


class MessageActionResult(Model):
    type: str | None = Field(default=None, description="The button the subscriber answered with")
    payload: dict[str, Any] | None = None


class MessageAction(Model):
    status: str | None = Field(default=None, description="pending or done")
    buttons: list[MessageButton] = Field(default_factory=list)
    result: MessageActionResult = Field(default_factory=MessageActionResult)


class MessageCta(Model):
    type: str = "redirect"
    data: dict[str, Any] = Field(default_factory=dict)
    action: MessageAction = Field(default_factory=MessageAction)


class Message(Model):
    """An in-app message as Novu returns it; attributes the delivery engine adds beyond these are returned too."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="allow")

    id: str = Field(alias="_id")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    subscriberRef: str = Field(alias="_subscriberId", description="Clarion's id of the subscriber")
    subscriberId: str = Field(description="Your application's id of the subscriber")
    templateId: str | None = Field(default=None, alias="_templateId", description="The campaign's id")
    templateIdentifier: str | None = None
    transactionId: str | None = None
    channel: str = "in_app"
    content: str | list[dict[str, Any]] = ""
    cta: MessageCta = Field(default_factory=MessageCta)
    payload: dict[str, Any] = Field(default_factory=dict)
    seen: bool
    read: bool
    lastSeenDate: str | None = None
    lastReadDate: str | None = None
    createdAt: str
    updatedAt: str
    expireAt: str
    status: str = Field(default="sent", description="sent, error or warning")
    deleted: bool = False


class UnseenCount(Model):
    count: int
