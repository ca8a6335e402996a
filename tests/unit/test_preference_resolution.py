"""The rules deciding which channels a campaign's message may use for a subscriber (what the engine obeys)."""

from typing import Any

import pytest

from clarion.preferences.service import allowed_channels
from clarion.store.keys import GLOBAL_PREFERENCE_SK, campaign_preference_sk, subscriber_pk

ALL_ON = {"email": True, "sms": True, "in_app": True, "chat": True, "push": True}
ALL_OFF = dict.fromkeys(ALL_ON, False)


def campaign(**attributes: Any) -> dict[str, Any]:
    return {"_id": "c1", "name": "Welcome", "critical": False, "preferenceSettings": ALL_ON} | attributes


def global_choice(**attributes: Any) -> dict[str, Any]:
    return {"pk": subscriber_pk("e", "s"), "sk": GLOBAL_PREFERENCE_SK, **attributes}


def campaign_choice(campaign_id: str = "c1", **attributes: Any) -> dict[str, Any]:
    return {"pk": subscriber_pk("e", "s"), "sk": campaign_preference_sk(campaign_id), **attributes}


def test_without_choices_every_channel_follows_the_campaigns_defaults():
    defaults = ALL_ON | {"sms": False, "push": False}
    assert allowed_channels(campaign(preferenceSettings=defaults), []) == defaults


@pytest.mark.parametrize("settings", [None, {}, {"email": False}])
def test_a_channel_without_a_default_is_on(settings):
    expected = ALL_ON | (settings or {})
    assert allowed_channels(campaign(preferenceSettings=settings), []) == expected


def test_a_campaign_without_preference_settings_allows_every_channel():
    bare = {"_id": "c1"}
    assert allowed_channels(bare, []) == ALL_ON


def test_a_global_choice_overrides_the_campaigns_default():
    defaults = ALL_ON | {"sms": False}
    choices = [global_choice(channels={"sms": True, "email": False})]
    assert allowed_channels(campaign(preferenceSettings=defaults), choices) == ALL_ON | {"email": False}


def test_a_campaign_choice_overrides_the_global_choice():
    choices = [global_choice(channels={"email": False, "push": False}), campaign_choice(channels={"email": True})]
    assert allowed_channels(campaign(), choices) == ALL_ON | {"push": False}


def test_a_campaign_choice_overrides_the_campaigns_default():
    defaults = ALL_ON | {"chat": False}
    assert allowed_channels(campaign(preferenceSettings=defaults), [campaign_choice(channels={"chat": True})]) == ALL_ON


def test_a_channel_the_campaign_choice_leaves_unset_follows_the_global_choice():
    choices = [global_choice(channels={"sms": False}), campaign_choice(channels={"email": False})]
    assert allowed_channels(campaign(), choices) == ALL_ON | {"sms": False, "email": False}


def test_another_campaigns_choice_is_ignored():
    assert allowed_channels(campaign(), [campaign_choice("c2", channels={"email": False}, enabled=False)]) == ALL_ON


def test_globally_disabled_turns_every_channel_off():
    assert allowed_channels(campaign(), [global_choice(enabled=False, channels={"email": True})]) == ALL_OFF


def test_globally_disabled_turns_off_channels_the_campaign_defaults_on():
    assert allowed_channels(campaign(preferenceSettings=ALL_ON), [global_choice(enabled=False)]) == ALL_OFF


def test_a_campaign_choice_reopens_channels_after_a_global_disable():
    choices = [global_choice(enabled=False), campaign_choice(channels={"in_app": True})]
    assert allowed_channels(campaign(), choices) == ALL_OFF | {"in_app": True}


def test_a_disabled_campaign_turns_every_channel_off_whatever_the_global_choice():
    choices = [global_choice(channels={"email": True}), campaign_choice(enabled=False, channels={"sms": True})]
    assert allowed_channels(campaign(), choices) == ALL_OFF


def test_an_enabled_level_keeps_its_channel_choices():
    choices = [global_choice(enabled=True, channels={"push": False})]
    assert allowed_channels(campaign(), choices) == ALL_ON | {"push": False}


def test_a_critical_campaign_uses_every_channel_whatever_was_chosen():
    choices = [global_choice(enabled=False), campaign_choice(enabled=False, channels={"email": False})]
    critical = campaign(critical=True, preferenceSettings=ALL_OFF)
    assert allowed_channels(critical, choices) == ALL_ON


def test_channels_outside_the_five_are_ignored():
    choices = [global_choice(channels={"fax": False, "email": False})]
    assert allowed_channels(campaign(), choices) == ALL_ON | {"email": False}


def test_the_order_of_the_preference_items_does_not_matter():
    choices = [global_choice(channels={"email": False}), campaign_choice(channels={"email": True})]
    assert allowed_channels(campaign(), choices) == allowed_channels(campaign(), list(reversed(choices)))


def test_resolution_does_not_change_its_inputs():
    settings = ALL_ON | {"sms": False}
    choices = [global_choice(channels={"sms": True})]
    allowed_channels(campaign(preferenceSettings=settings), choices)
    assert settings == ALL_ON | {"sms": False} and choices[0]["channels"] == {"sms": True}
