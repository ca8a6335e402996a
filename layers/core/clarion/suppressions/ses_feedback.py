"""SES bounce and complaint notifications (through SNS) turned into suppressions.

SES names the recipients that bounced or complained; the environment whose message it was is the
`clarion-environment` tag the SES sender puts on every message (`mail.tags`). A permanent bounce and a complaint
suppress the address; a transient or undetermined bounce (a full mailbox, a greylisting server) does not.
Notifications published by a configuration set say `eventType`, identity notifications `notificationType`: both are
read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pydantic import ValidationError

from clarion.suppressions.models import SuppressionEntry

ENVIRONMENT_TAG = "clarion-environment"
"""The SES message tag holding the environment id of a message Clarion sent."""
SOURCE = "ses"


class Feedback(NamedTuple):
    environment_id: str | None
    entries: list[SuppressionEntry]


def feedback_of(notification: Mapping[str, Any]) -> Feedback:
    """The suppressions an SES notification asks for (none for a delivery, a transient bounce or an unknown type),
    and the environment of the message; addresses SES gives that are not valid emails are left out."""
    kind = notification.get("notificationType") or notification.get("eventType")
    tags = (notification.get("mail") or {}).get("tags") or {}
    environment_id = next(iter(tags.get(ENVIRONMENT_TAG) or []), None)
    if kind == "Bounce" and (notification.get("bounce") or {}).get("bounceType") == "Permanent":
        recipients, reason = notification["bounce"].get("bouncedRecipients") or [], "bounce"
    elif kind == "Complaint":
        recipients, reason = (notification.get("complaint") or {}).get("complainedRecipients") or [], "complaint"
    else:
        return Feedback(environment_id, [])
    entries = []
    for recipient in recipients:
        try:
            entry = {"channel": "email", "address": recipient.get("emailAddress") or "", "reason": reason}
            entries.append(SuppressionEntry.model_validate(entry))
        except ValidationError:
            continue
    return Feedback(environment_id, entries)
