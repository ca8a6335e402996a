"""The campaign operations on the wire: send, execute, remove-inbox requests and their replies."""

from typing import Any, Literal

from pydantic import Field, model_validator

from clarion.engine.wire import TriggerUser
from clarion.models import Model, ObjectId, Request, SubscriberId

MAX_EXECUTE_TARGETS = 1000
MAX_REMOVE_ITEMS = 100


class SendCampaignRequest(Request):
    payload: dict[str, Any] = Field(default_factory=dict, description="What the templates see as `payload`/`event`")
    transactionId: SubscriberId | None = Field(default=None, description="Generated when absent")


class ExecuteTarget(Request):
    """One recipient: a known subscriber by id, or a user object upserted first; with its own payload."""

    subscriberId: SubscriberId | None = None
    user: TriggerUser | None = None
    payload: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_recipient(self) -> "ExecuteTarget":
        if (self.subscriberId is None) == (self.user is None):
            raise ValueError("give either subscriberId or user")
        return self

    @property
    def recipient_id(self) -> str:
        return self.user.external_id if self.user is not None else str(self.subscriberId)


class ExecuteCampaignRequest(Request):
    targets: list[ExecuteTarget] = Field(min_length=1, max_length=MAX_EXECUTE_TARGETS)


class ExecutedTarget(Model):
    id: str = Field(description="The target's id: the transactionId of its messages (GET /v1/messages?transactionId=)")
    subscriberId: str


class ExecuteResult(Model):
    acknowledged: bool = True
    executionId: str
    targets: list[ExecutedTarget] = Field(description="In the order of the request's targets")


class ExpireInboxResult(Model):
    campaignId: str
    expiredAt: str = Field(description="The campaign's in-app messages delivered until then left every inbox")


class RemoveInboxRequest(Request):
    messageIds: list[ObjectId] = Field(default_factory=list, max_length=MAX_REMOVE_ITEMS)
    subscriberIds: list[SubscriberId] = Field(default_factory=list, max_length=MAX_REMOVE_ITEMS)

    @model_validator(mode="after")
    def _something(self) -> "RemoveInboxRequest":
        if not self.messageIds and not self.subscriberIds:
            raise ValueError("give messageIds or subscriberIds")
        return self


class RemovedItem(Model):
    messageId: str | None = None
    subscriberId: str | None = None
    status: Literal["removed", "not_found"]
    removed: int = Field(description="How many inbox messages were removed (or queued ones cancelled)")


class RemoveInboxResult(Model):
    results: list[RemovedItem]
