"""Subscriber preferences on the wire, in Novu v1's shapes (`in_app`, `template` for a campaign, `{data: ...}`)."""

from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field, StrictBool, StringConstraints

from clarion.models import Model, Request

Channel = Literal["email", "sms", "in_app", "chat", "push"]
CHANNELS: tuple[str, ...] = get_args(Channel)
PreferenceLevel = Literal["global", "template"]
# a campaign's id travels in the URL path and becomes part of a sort key: no separators, no whitespace
CampaignId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f/\\#\s]+$")]


class ChannelPreference(Request):
    type: Channel
    enabled: StrictBool


class UpdateGlobalPreferencesRequest(Request):
    enabled: StrictBool | None = Field(default=None, description="`false` turns every channel off for every campaign")
    preferences: list[ChannelPreference] | None = Field(
        default=None, max_length=len(CHANNELS), description="Channels to turn on or off; the others keep their state"
    )


class UpdateCampaignPreferenceRequest(Request):
    channel: ChannelPreference | None = Field(default=None, description="One channel to turn on or off")
    enabled: StrictBool | None = Field(default=None, description="`false` turns every channel of the campaign off")


class PreferenceState(Model):
    enabled: bool
    channels: dict[str, bool] = Field(description="On or off for each of email, sms, in_app, chat, push")


class Trigger(Model):
    identifier: str
    type: Literal["event"] = "event"
    variables: list[dict[str, Any]] = Field(default_factory=list)


class CampaignSummary(Model):
    """Novu's `template`: the campaign (a Novu workflow) a preference is about."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    critical: bool = Field(description="Always delivered, whatever the subscriber chose; not shown in preference UIs")
    triggers: list[Trigger]


class CampaignPreference(Model):
    template: CampaignSummary
    preference: PreferenceState


class GlobalPreference(Model):
    preference: PreferenceState
