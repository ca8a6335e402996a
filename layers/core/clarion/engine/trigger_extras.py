"""Novu's trigger extras (issue 4): `actor`, `tenant` and `overrides`, resolved when the trigger is accepted and
carried by the dispatch job to every record.

- `actor`: a subscriberId or a subscriber object (upserted with the recipients); templates see its public fields
  as `actor`, and in-app messages carry it (Novu's `actor` and `actorSubscriber`).
- `tenant`: an identifier or {identifier, name, data}: created when new, its name and data updated when the trigger
  gives others (Novu's ProcessTenant); templates see the stored tenant as `tenant`, the notification records it, and
  the tenant's override of the campaign (`workflowOverride`, one read) goes with the job for the engine to apply.
- `overrides`, as Novu v1 has them: `email` (from, senderName, replyTo, cc, bcc, text), `sms` (content), `fcm` /
  `apns` / `push` (title, body, data: merged over the step's); `email.integrationIdentifier` and
  `sms.integrationIdentifier` name the integration that sends (checked when the trigger is accepted);
  `layoutIdentifier` names the layout of every email step (clarion.engine.layouts). Unknown keys are ignored, as
  Novu ignores them.

This module reads them as a dispatch job carries them; clarion.engine.trigger_resolution resolves them when the
trigger is accepted (with the subscriber and tenant models the dispatcher does not need).
"""

from collections.abc import Mapping
from typing import Any

from clarion.dynamo import Item

EMAIL_OVERRIDES = ("from", "senderName", "replyTo", "cc", "bcc", "text")
PUSH_OVERRIDES = ("title", "body")
PUSH_OVERRIDE_KEYS = ("fcm", "apns", "push")
INTEGRATION_OVERRIDE_CHANNELS = ("email", "sms")  # Novu v1's IIntegrationOverride
JOB_EXTRAS = ("actor", "tenant", "overrides", "workflowOverride")


def inactive_override(job: Mapping[str, Any]) -> str | None:
    """Why nothing is sent, when the tenant's override of the campaign is inactive."""
    override = job.get("workflowOverride")
    if override is None or override.get("active", True):
        return None
    return f"the workflow override of tenant '{_tenant_identifier(job)}' is inactive: nothing is sent for the tenant"


def filtered_reason(job: Mapping[str, Any], channel: str) -> str:
    """Why a channel the preferences resolved to off is off: the tenant's override, or the subscriber's choice."""
    settings = (job.get("workflowOverride") or {}).get("preferenceSettings") or {}
    if settings.get(channel) is False:
        return f"the workflow override of tenant '{_tenant_identifier(job)}' turns {channel} off"
    return f"the subscriber's preferences turn {channel} off for this campaign"


def _tenant_identifier(job: Mapping[str, Any]) -> str:
    return str((job.get("tenant") or {}).get("identifier", ""))


def extras_of(job: Mapping[str, Any]) -> Item:
    """The extras a dispatch job carries (`job_extras`), for a journey's runs to apply in their sends."""
    return {name: job[name] for name in JOB_EXTRAS if job.get(name)}


def integration_named(channel: str, overrides: dict[str, Any] | None) -> str | None:
    """The identifier of the integration the trigger's `overrides.<channel>.integrationIdentifier` names, if any."""
    section = (overrides or {}).get(channel) if channel in INTEGRATION_OVERRIDE_CHANNELS else None
    return section.get("integrationIdentifier") if isinstance(section, dict) else None


def layout_named(overrides: dict[str, Any] | None) -> str | None:
    """The identifier of the layout the trigger's `overrides.layoutIdentifier` names, if any."""
    identifier = (overrides or {}).get("layoutIdentifier")
    return identifier if isinstance(identifier, str) and identifier else None


def overridden(channel: str, content: Item, overrides: dict[str, Any] | None) -> Item:
    """The rendered content with the trigger's overrides of its channel applied."""
    if not overrides:
        return content
    if channel == "email" and isinstance(overrides.get("email"), dict):
        email = overrides["email"]
        return content | {name: email[name] for name in EMAIL_OVERRIDES if email.get(name)}
    if channel == "sms" and isinstance(overrides.get("sms"), dict) and overrides["sms"].get("content"):
        return content | {"body": str(overrides["sms"]["content"])}
    if channel == "push":
        for key in PUSH_OVERRIDE_KEYS:
            push = overrides.get(key)
            if isinstance(push, dict):
                content = content | {name: str(push[name]) for name in PUSH_OVERRIDES if push.get(name)}
                if isinstance(push.get("data"), dict):
                    content = content | {"data": (content.get("data") or {}) | push["data"]}
    return content


def in_app_actor(actor: Item | None) -> Item:
    """Novu's actor fields of an in-app message."""
    if not actor:
        return {"actor": {"type": "none", "data": None}}
    subscriber = {name: actor.get(name) for name in ("subscriberId", "firstName", "lastName", "avatar")}
    return {"actor": {"type": "user", "data": None}, "actorSubscriber": subscriber}
