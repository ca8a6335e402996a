"""Novu's trigger extras (issue 4): `actor`, `tenant` and `overrides`, resolved when the trigger is accepted and
carried by the dispatch job to every record.

- `actor`: a subscriberId or a subscriber object (upserted with the recipients); templates see its public fields
  as `actor`, and in-app messages carry it (Novu's `actor` and `actorSubscriber`).
- `tenant`: an identifier or {identifier, name, data}; templates see it as `tenant`, the notification records it.
- `overrides`, per channel as Novu v1 has them: `email` (from, senderName, replyTo, cc, bcc, text), `sms`
  (content), `fcm` / `apns` / `push` (title, body, data: merged over the step's). Unknown keys are ignored, as
  Novu ignores them.
"""

from typing import Any

from clarion.dynamo import Item
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository
from clarion.templates.render import SUBSCRIBER_VARIABLES

EMAIL_OVERRIDES = ("from", "senderName", "replyTo", "cc", "bcc", "text")
PUSH_OVERRIDES = ("title", "body")
PUSH_OVERRIDE_KEYS = ("fcm", "apns", "push")


def actor_of(environment_id: str, actor: str | CreateSubscriberRequest | None) -> Item | None:
    """The actor's public fields: as given in full, else as stored (only its id when it is not a subscriber)."""
    if actor is None:
        return None
    if isinstance(actor, CreateSubscriberRequest):
        fields = actor.model_dump(exclude_unset=True)
    else:
        fields = SubscribersRepository().get(environment_id, actor) or {"subscriberId": actor}
    return {name: fields[name] for name in (*SUBSCRIBER_VARIABLES, "avatar") if fields.get(name) is not None}


def tenant_of(tenant: str | dict[str, Any] | None) -> Item | None:
    if tenant is None:
        return None
    if isinstance(tenant, str):
        return {"identifier": tenant}
    return {name: tenant[name] for name in ("identifier", "name", "data") if name in tenant}


def job_extras(actor: Item | None, tenant: Item | None, overrides: dict[str, Any] | None) -> Item:
    """What the dispatch job carries of them (nothing when the trigger named none)."""
    extras: Item = {"actor": actor, "tenant": tenant, "overrides": overrides}
    return {name: value for name, value in extras.items() if value}


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
