"""A campaign step rendered for one subscriber and payload exactly as the dispatcher would render it (the email body
inside its layout), without writing or sending anything."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from clarion.campaigns.models import Channel, LocaleTag
from clarion.engine.layouts import read_layouts
from clarion.engine.steps import MAX_STEPS
from clarion.errors import NotFound, ValidationFailed
from clarion.models import Model, Request, SubscriberId
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.subscribers.fields import SubscriberFields
from clarion.subscribers.repository import SubscribersRepository
from clarion.templates.render import RenderFailed


class PreviewSubscriber(SubscriberFields):
    subscriberId: SubscriberId | None = None


class PreviewRequest(Request):
    stepIndex: int = Field(default=0, ge=0, lt=MAX_STEPS, description="Which step, from 0")
    subscriberId: SubscriberId | None = Field(default=None, description="A stored subscriber to render for")
    subscriber: PreviewSubscriber | None = Field(
        default=None, description="Or the subscriber's fields, given here (not stored)"
    )
    payload: dict[str, Any] = Field(default_factory=dict, description="The trigger payload (`payload`, `event`)")
    locale: LocaleTag | None = Field(
        default=None, description="This locale's content; the subscriber's locale if absent"
    )


class Preview(Model):
    stepIndex: int
    channel: Channel
    content: dict[str, Any] = Field(description="What the sender would send (an email's `html` in its layout)")


def preview_step(caller: Principal, campaign_id: str, request: PreviewRequest) -> Preview:
    """The step's content for the subscriber; a template that fails is a 422 naming `steps[i].<field>`."""
    from clarion.engine.messages import rendered_content  # noqa: PLC0415 - the dispatcher's code, off the cold start
    from clarion.engine.triggers import bounded_payload  # noqa: PLC0415 - the trigger engine, off the cold start

    campaign = CampaignsRepository().get(caller.environment_id, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign '{campaign_id}' not found", field="campaignId")
    steps = campaign.get("steps") or []
    if request.stepIndex >= len(steps):
        raise ValidationFailed(f"the campaign has {len(steps)} step(s)", field="stepIndex", value=request.stepIndex)
    step = steps[request.stepIndex]
    if "channel" not in step:  # a journey's wait, branch, ... step: nothing to render
        raise ValidationFailed("the step sends no message", field="stepIndex", value=request.stepIndex)
    subscriber = _subscriber(caller, request)
    payload = bounded_payload(request.payload, field="payload")
    try:
        layouts = read_layouts(caller.environment_id, [step])
        content = rendered_content(step, subscriber=subscriber, payload=payload, campaign=campaign, layouts=layouts)
    except RenderFailed as failure:
        field = f"steps[{request.stepIndex}].{failure.field}"
        raise ValidationFailed(f"{field}: {failure.reason}", field=field) from failure
    return Preview(stepIndex=request.stepIndex, channel=step["channel"], content=content)


def _subscriber(caller: Principal, request: PreviewRequest) -> dict[str, Any]:
    if request.subscriberId is not None and request.subscriber is not None:
        raise ValidationFailed("give subscriberId or subscriber, not both", field="subscriber")
    profile: Mapping[str, Any]
    if request.subscriberId is not None:
        found = SubscribersRepository().get(caller.environment_id, request.subscriberId)
        if found is None:
            raise NotFound(f"subscriber '{request.subscriberId}' not found", field="subscriberId")
        profile = found
    else:
        profile = request.subscriber.model_dump(exclude_none=True) if request.subscriber else {}
    return {**profile, **({"locale": request.locale} if request.locale else {})}
