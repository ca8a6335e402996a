"""Push actions on the wire."""

from typing import Literal

from pydantic import Field

from clarion.audience.names import DeviceId
from clarion.models import Model, Request

ActionType = Literal["open", "click", "dismiss"]
COUNTER_OF: dict[str, str] = {"open": "opened", "click": "clicked", "dismiss": "dismissed"}
"""The campaign statistics' counter of each action."""


class PushActionRequest(Request):
    messageId: str = Field(min_length=1, max_length=64, description="The push or in-app message acted on")
    action: ActionType
    deviceId: DeviceId | None = Field(default=None, description="The subscriber's device it happened on")
    at: str | None = Field(
        default=None, description="ISO 8601 with an offset or Z; now if absent; at most 5 minutes ahead, 90 days ago"
    )
    url: str | None = Field(default=None, max_length=2048, description="The link clicked")
    buttonId: str | None = Field(default=None, max_length=256, description="The button clicked")


class PushAction(Model):
    actionId: str = Field(description="`<messageId>_<action>`: one per message and action")
    messageId: str
    action: ActionType
    channel: str
    campaignId: str | None = None
    subscriberId: str
    deviceId: str | None = None
    url: str | None = None
    buttonId: str | None = None
    source: str = Field(description="`api` (POST /v1/hits/push-action) or `inbox` (marked read, or a button)")
    at: str
    receivedAt: str


class PushActionResult(Model):
    recorded: bool = Field(description="false: the message already had this action (the first one is kept)")
    action: PushAction
