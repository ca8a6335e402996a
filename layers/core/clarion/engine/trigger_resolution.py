"""Novu's trigger extras resolved when the trigger is accepted (clarion.engine.trigger_extras says what they are):
the actor's public fields, the stored tenant and its override of the campaign, the integrations the overrides name,
and what of them the dispatch job carries."""

from collections.abc import Mapping
from typing import Any

from clarion.dynamo import Item
from clarion.engine.trigger_extras import INTEGRATION_OVERRIDE_CHANNELS, integration_named
from clarion.errors import ValidationFailed
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository
from clarion.templates.render import SUBSCRIBER_VARIABLES
from clarion.tenants.models import TriggerTenant
from clarion.tenants.overrides import override_for_trigger
from clarion.tenants.service import tenant_for_trigger

TENANT_VARIABLES = ("_id", "identifier", "name", "data")


def actor_of(environment_id: str, actor: str | CreateSubscriberRequest | None) -> Item | None:
    """The actor's public fields: as given in full, else as stored (only its id when it is not a subscriber)."""
    if actor is None:
        return None
    if isinstance(actor, CreateSubscriberRequest):
        return _public_fields(actor.model_dump(exclude_unset=True))
    return _public_fields(SubscribersRepository().get(environment_id, actor) or {"subscriberId": actor})


def _public_fields(fields: Mapping[str, Any]) -> Item:
    return {name: fields[name] for name in (*SUBSCRIBER_VARIABLES, "avatar") if fields.get(name) is not None}


def tenant_of(
    environment_id: str, tenant: str | TriggerTenant | None, campaign_id: str
) -> tuple[Item | None, Item | None]:
    """The stored tenant a trigger names (created or updated as Novu does) as templates see it, and its override of
    the campaign, if any: two reads per trigger, however many recipients."""
    if tenant is None:
        return None, None
    stored = tenant_for_trigger(environment_id, tenant)
    seen = {name: stored[name] for name in TENANT_VARIABLES if name in stored}  # type: ignore[literal-required]
    return seen, override_for_trigger(environment_id, stored["_id"], campaign_id)


def job_extras(
    actor: Item | None,
    tenant: Item | None,
    overrides: dict[str, Any] | None,
    workflow_override: Item | None = None,
) -> Item:
    """What the dispatch job carries of them (nothing when the trigger named none)."""
    extras: Item = {"actor": actor, "tenant": tenant, "overrides": overrides, "workflowOverride": workflow_override}
    return {name: value for name, value in extras.items() if value}


def require_named_integrations(environment_id: str, overrides: dict[str, Any] | None) -> None:
    """Refuses (422 naming `overrides.<channel>.integrationIdentifier`) an identifier that names no active
    integration of its channel: Novu would accept the trigger and send nothing."""
    named = {
        channel: identifier
        for channel in INTEGRATION_OVERRIDE_CHANNELS
        if (identifier := integration_named(channel, overrides)) is not None
    }
    if not named:
        return
    # the integrations' code stays off the trigger's cold start: few triggers name an integration
    from clarion.integrations.selection import active_integrations, named_integration  # noqa: PLC0415 - cold start

    active = active_integrations(environment_id)
    for channel, identifier in named.items():
        if named_integration(active, channel, identifier) is None:
            raise ValidationFailed(
                f"no active {channel} integration has the identifier '{identifier}'",
                field=f"overrides.{channel}.integrationIdentifier",
                value=identifier,
            )
