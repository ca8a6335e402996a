"""The activity API's responses in Novu v1's shapes: messages, notifications (the activity feed), execution
details and the activity stats."""

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field

from clarion.campaigns.variables import novu_trigger
from clarion.dynamo import Item
from clarion.models import Model

if TYPE_CHECKING:
    from clarion.store import entities

MAX_MESSAGES_PER_PAGE = 100
MAX_NOTIFICATIONS_PER_PAGE = 50
DAYS_SEARCHED = 31
MAX_JOBS_SHOWN = 100  # of a notification in the activity feed
MAX_COUNTED = 100_000  # totalCount of a list counted from index keys (Select=COUNT): a larger total reads as this
MAX_COUNTED_BY_READING = 1_000  # totalCount of a list filtered on what the keys-only indexes lack (channel...)

_NOVU = ConfigDict(populate_by_name=True, serialize_by_alias=True)
_NOT_SENT = frozenset({"failed", "filtered", "skipped", "cancelled"})
_PENDING = frozenset({"queued", "sending"})
_FAILED_ATTEMPT = frozenset({"queued", "failover"})  # a requeue after a transient error; one integration's failure
_DETAIL = {
    "queued": "Message queued for sending",
    "sending": "Sending the message",
    "sent": "Message sent",
    "failed": "Message failed",
    "filtered": "Message filtered",
    "skipped": "Message skipped",
    "cancelled": "Message cancelled",
    "failover": "Provider failed",  # one integration's failed attempt; the reason names who takes over, if any
}
_JOB_STATUS = {
    "queued": "queued",
    "sending": "running",
    "sent": "completed",
    "failed": "failed",
    "filtered": "skipped",
    "skipped": "skipped",
    "cancelled": "canceled",
}


class ActivityMessage(Model):
    """A delivery record as Novu's message: the address only as Novu shows it (`email`, `phone`)."""

    model_config = _NOVU

    id: str = Field(alias="_id")
    templateId: str | None = Field(default=None, alias="_templateId", description="The campaign's id")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    subscriberRef: str = Field(alias="_subscriberId", description="Clarion's id of the subscriber: its subscriberId")
    subscriberId: str
    transactionId: str | None = None
    channel: str
    content: str = Field(description="The rendered body (the HTML of an email)")
    subject: str | None = Field(default=None, description="An email's subject")
    title: str | None = Field(default=None, description="A push notification's title")
    email: str | None = None
    phone: str | None = None
    status: str = Field(description="queued, sending, sent, failed, filtered, skipped or cancelled")
    errorText: str | None = Field(
        default=None,
        description="Why the message was not sent, when it was not; while it is queued or sending again after a "
        "failed attempt (retrying, or stuck in a dead-letter queue), the last provider error",
    )
    providerId: str | None = None
    createdAt: str
    updatedAt: str

    @classmethod
    def from_record(cls, record: Item, organization_id: str) -> "ActivityMessage":
        content, to = record.get("content") or {}, record.get("to") or {}
        return cls.model_validate(
            _record_ids(record, organization_id)
            | {
                "subscriberId": record["subscriberId"],
                "transactionId": record.get("transactionId"),
                "channel": record["channel"],
                "content": str(content.get("html") or content.get("body") or ""),
                "subject": content.get("subject"),
                "title": content.get("title"),
                "email": to.get("email"),
                "phone": to.get("phone"),
                "status": record["status"],
                "errorText": _error_text(record),
                "providerId": record.get("providerId"),
                "createdAt": record["createdAt"],
                "updatedAt": record.get("updatedAt", record["createdAt"]),
            }
        )


class DeletedMessage(Model):
    acknowledged: bool = True
    status: Literal["deleted"] = "deleted"


ExecutionStatus = Literal["Success", "Failed", "Pending", "Queued"]
_EXECUTION_STATUS: dict[str, ExecutionStatus] = {
    "queued": "Queued",
    "sending": "Pending",
    "sent": "Success",
    "failed": "Failed",
    "filtered": "Success",  # as Novu: the step ran, and its outcome was not to send
    "skipped": "Failed",
    "cancelled": "Success",
    "failover": "Failed",
}


class ExecutionDetail(Model):
    """One change of a message's status, as Novu's execution detail."""

    model_config = _NOVU

    id: str = Field(alias="_id")
    jobId: str = Field(alias="_jobId", description="The message's id: Clarion runs one job per message")
    messageId: str = Field(alias="_messageId")
    notificationId: str = Field(alias="_notificationId")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    subscriberRef: str = Field(alias="_subscriberId")
    providerId: str | None = None
    transactionId: str | None = None
    channel: str
    detail: str = Field(description="What happened, with the reason when the message was not sent")
    source: Literal["Internal"] = "Internal"
    status: ExecutionStatus
    isTest: bool = False
    isRetry: bool
    createdAt: str
    updatedAt: str

    @classmethod
    def from_record(cls, record: Item, notification_id: str, organization_id: str) -> Iterator["ExecutionDetail"]:
        """One detail per entry of the record's history; a retry is any entry after its second send attempt."""
        attempt = 0
        for number, entry in enumerate(record.get("history") or []):
            status = entry["status"]
            attempt += status == "sending"
            detail = _DETAIL.get(status, status)
            yield cls.model_validate(
                {
                    "_id": hashlib.sha256(f"{record['_id']}#{number}".encode()).hexdigest()[:24],
                    "_jobId": record["_id"],
                    "_messageId": record["_id"],
                    "_notificationId": notification_id,
                    "_environmentId": record["environmentId"],
                    "_organizationId": organization_id,
                    "_subscriberId": record["subscriberId"],
                    "providerId": entry.get("providerId") or record.get("providerId"),
                    "transactionId": record.get("transactionId"),
                    "channel": record["channel"],
                    "detail": f"{detail}: {entry['reason']}" if entry.get("reason") else detail,
                    "status": _EXECUTION_STATUS.get(status, "Pending"),
                    "isRetry": attempt > 1,
                    "createdAt": entry["at"],
                    "updatedAt": entry["at"],
                }
            )


class NotificationJob(Model):
    """A message of a notification, as a job of Novu's activity feed."""

    model_config = _NOVU

    id: str = Field(alias="_id")
    subscriberRef: str = Field(alias="_subscriberId")
    type: str = Field(description="The channel")
    status: str = Field(description="Novu's job status: queued, running, completed, failed, skipped or canceled")
    providerId: str | None = None
    executionDetails: list[ExecutionDetail]
    createdAt: str
    updatedAt: str

    @classmethod
    def from_record(cls, record: Item, notification_id: str, organization_id: str) -> "NotificationJob":
        return cls.model_validate(
            {
                "_id": record["_id"],
                "_subscriberId": record["subscriberId"],
                "type": record["channel"],
                "status": _JOB_STATUS.get(record["status"], record["status"]),
                "providerId": record.get("providerId"),
                "executionDetails": list(ExecutionDetail.from_record(record, notification_id, organization_id)),
                "createdAt": record["createdAt"],
                "updatedAt": record.get("updatedAt", record["createdAt"]),
            }
        )


class NotificationTemplate(Model):
    model_config = _NOVU

    id: str = Field(alias="_id")
    name: str
    triggers: list[dict[str, Any]] = Field(
        description="The campaign's trigger as a workflow's: `{type, identifier, variables, subscriberVariables}`"
    )


class Notification(Model):
    """A trigger, as an entry of Novu's activity feed, with its messages as `jobs`."""

    model_config = _NOVU

    id: str = Field(alias="_id")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    templateId: str | None = Field(default=None, alias="_templateId")
    transactionId: str
    template: NotificationTemplate | None = None
    channels: list[str]
    payload: dict[str, Any]
    to: Any = None
    tenant: dict[str, Any] | None = Field(default=None, description="The trigger's tenant, when it named one")
    status: str | None = None
    jobs: list[NotificationJob]
    createdAt: str

    @classmethod
    def from_item(
        cls, item: Item, *, organization_id: str, campaign: "entities.Campaign | None", jobs: list[NotificationJob]
    ) -> "Notification":
        template = None
        if campaign is not None:
            triggers = [novu_trigger(campaign)] if campaign.get("identifier") else []
            template = {"_id": campaign["_id"], "name": campaign.get("name", ""), "triggers": triggers}
        return cls.model_validate(
            {
                "_id": item["_id"],
                "_environmentId": item["environmentId"],
                "_organizationId": organization_id,
                "_templateId": item.get("campaignId"),
                "transactionId": item["transactionId"],
                "template": template,
                "channels": list(item.get("channels") or []),
                "payload": item.get("payload") or {},
                "to": item.get("to"),
                "tenant": item.get("tenant"),
                "status": item.get("status"),
                "jobs": jobs,
                "createdAt": item["createdAt"],
            }
        )


class ActivityStats(Model):
    weeklySent: int = Field(description="Notifications of the last 7 days (UTC days, today included)")
    monthlySent: int = Field(description="Notifications of the last 30 days (UTC days, today included)")


def _error_text(record: Item) -> str | None:
    """The reason a message ended unsent, or the last failed attempt's error of one still pending; never the note
    its first `queued` entry may carry (a layout override), which is no error."""
    history = record.get("history") or []
    if record["status"] in _NOT_SENT:
        reasons = [entry["reason"] for entry in history if entry.get("reason")]
    elif record["status"] in _PENDING:
        reasons = [e["reason"] for e in history[1:] if e.get("reason") and e["status"] in _FAILED_ATTEMPT]
    else:
        return None
    return reasons[-1] if reasons else None


def _record_ids(record: Item, organization_id: str) -> Item:
    return {
        "_id": record["_id"],
        "_templateId": record.get("campaignId"),
        "_environmentId": record["environmentId"],
        "_organizationId": organization_id,
        "_subscriberId": record["subscriberId"],
    }
