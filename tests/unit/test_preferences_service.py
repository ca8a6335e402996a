"""clarion.preferences.service on the in-memory store: Novu v1's preference operations (the per-campaign list, the
global and template levels, global and per-campaign changes) shown by the rules the engine obeys: a campaign's
defaults, overridden by the global choice, overridden by the campaign choice; critical campaigns are read-only and
use every channel. (The resolution rules alone are in test_preference_resolution.py.)"""

import uuid
from typing import Any

import pytest

from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.service import create_campaign
from clarion.errors import Conflict, NotFound
from clarion.preferences import service
from clarion.preferences.models import UpdateCampaignPreferenceRequest, UpdateGlobalPreferencesRequest
from clarion.preferences.service import CriticalCampaign
from clarion.principal import Principal
from clarion.store.keys import GLOBAL_PREFERENCE_SK, campaign_preference_sk
from clarion.store.preferences import PreferencesRepository
from clarion.subscribers.repository import SubscribersRepository

ALL_ON = {"email": True, "sms": True, "in_app": True, "chat": True, "push": True}
ALL_OFF = dict.fromkeys(ALL_ON, False)
CONTENT = {
    "email": {"subject": "Hi", "body": "<p>Hi</p>"},
    "sms": {"body": "Hi"},
    "in_app": {"body": "Hi"},
    "chat": {"body": "Hi"},
    "push": {"title": "Hi", "body": "Hi"},
}


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return a_caller()


@pytest.fixture
def subscriber_id(caller: Principal) -> str:
    return a_subscriber(caller)


def a_caller() -> Principal:
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


def a_subscriber(caller: Principal) -> str:
    subscriber_id = f"sub-{uuid.uuid4().hex[:10]}"
    profile = {"id": uuid.uuid4().hex[:24], "environmentId": caller.environment_id, "subscriberId": subscriber_id}
    assert SubscribersRepository().create(profile)
    return subscriber_id


def campaign(caller: Principal, *channels: str, critical: bool = False, **defaults: bool) -> str:
    """A campaign with one step a channel (email by default) and these channel defaults; its id."""
    steps = [{"channel": channel, "content": CONTENT[channel]} for channel in channels or ("email",)]
    request = CreateCampaignRequest.model_validate(
        {
            "name": f"Campaign {uuid.uuid4().hex[:8]}",
            "steps": steps,
            "critical": critical,
            "preferenceSettings": ALL_ON | defaults,
        }
    )
    return create_campaign(caller, request).id


def listed(caller: Principal, subscriber_id: str, **options: Any) -> dict[str, dict[str, Any]]:
    """The subscriber's per-campaign preferences, by campaign id."""
    return {
        entry.template.id: entry.model_dump() for entry in service.list_preferences(caller, subscriber_id, **options)
    }


def channels_of(caller: Principal, subscriber_id: str, campaign_id: str) -> dict[str, bool]:
    return listed(caller, subscriber_id)[campaign_id]["preference"]["channels"]


def set_global(caller: Principal, subscriber_id: str, **body: Any) -> dict[str, Any]:
    request = UpdateGlobalPreferencesRequest.model_validate(body)
    return service.update_global(caller, subscriber_id, request).model_dump()


def set_campaign(caller: Principal, subscriber_id: str, campaign_id: str, **body: Any) -> dict[str, Any]:
    request = UpdateCampaignPreferenceRequest.model_validate(body)
    return service.update_campaign(caller, subscriber_id, campaign_id, request).model_dump()


def off(*channels: str) -> list[dict[str, Any]]:
    return [{"type": channel, "enabled": False} for channel in channels]


def stored(caller: Principal, subscriber_id: str) -> dict[str, dict[str, Any]]:
    return {item["sk"]: item for item in PreferencesRepository().items_for(caller.environment_id, subscriber_id)}


# the list


def test_every_campaign_is_listed_with_its_defaults(caller, subscriber_id):
    quiet = campaign(caller, "email", "sms", sms=False, push=False)
    plain = campaign(caller, "in_app")
    entries = listed(caller, subscriber_id)
    assert entries.keys() == {quiet, plain}
    assert entries[quiet]["preference"] == {"enabled": True, "channels": ALL_ON | {"sms": False, "push": False}}
    assert entries[plain]["preference"] == {"enabled": True, "channels": ALL_ON}


def test_a_listed_campaign_is_summarized_in_novus_template_shape(caller, subscriber_id):
    campaign_id = campaign(caller)
    (entry,) = service.list_preferences(caller, subscriber_id)
    summary = entry.template.model_dump()
    assert (summary["_id"], summary["critical"]) == (campaign_id, False)
    assert summary["name"].startswith("Campaign ")
    assert summary["triggers"] == [
        {"identifier": summary["name"].lower().replace(" ", "-"), "type": "event", "variables": []}
    ]


def test_an_environment_without_campaigns_lists_no_preferences(caller, subscriber_id):
    campaign(a_caller())
    assert service.list_preferences(caller, subscriber_id) == []


def test_without_inactive_channels_only_the_channels_of_the_campaigns_steps_are_listed(caller, subscriber_id):
    campaign_id = campaign(caller, "sms", "email", sms=False)
    entries = listed(caller, subscriber_id, include_inactive_channels=False)
    assert entries[campaign_id]["preference"]["channels"] == {"email": True, "sms": False}


# the global level


def test_the_global_level_without_choices_is_every_channel_on(caller, subscriber_id):
    (level,) = service.preferences_by_level(caller, subscriber_id, "global")
    assert level.model_dump() == {"preference": {"enabled": True, "channels": ALL_ON}}


def test_the_global_level_shows_what_the_subscriber_set_not_the_campaign_defaults(caller, subscriber_id):
    campaign(caller, sms=False)
    set_global(caller, subscriber_id, preferences=off("push"))
    (level,) = service.preferences_by_level(caller, subscriber_id, "global")
    assert level.model_dump()["preference"] == {"enabled": True, "channels": ALL_ON | {"push": False}}


def test_the_global_level_without_inactive_channels_keeps_the_channels_some_campaign_uses(caller, subscriber_id):
    campaign(caller, "email")
    campaign(caller, "sms", "email")
    set_global(caller, subscriber_id, preferences=off("sms", "push"))
    (level,) = service.preferences_by_level(caller, subscriber_id, "global", include_inactive_channels=False)
    assert level.model_dump()["preference"]["channels"] == {"email": True, "sms": False}


def test_the_template_level_is_the_per_campaign_list(caller, subscriber_id):
    first, second = campaign(caller, "email"), campaign(caller, "sms")
    set_campaign(caller, subscriber_id, first, enabled=False)
    by_level = service.preferences_by_level(caller, subscriber_id, "template")
    assert by_level == service.list_preferences(caller, subscriber_id)
    assert {entry.template.id for entry in by_level} == {first, second}


# changing the global level


def test_a_global_choice_applies_to_every_campaign(caller, subscriber_id):
    first, second = campaign(caller), campaign(caller)
    answer = set_global(caller, subscriber_id, preferences=off("email", "chat"))
    assert answer == {"preference": {"enabled": True, "channels": ALL_ON | {"email": False, "chat": False}}}
    for campaign_id in (first, second):
        assert channels_of(caller, subscriber_id, campaign_id) == ALL_ON | {"email": False, "chat": False}


def test_a_global_choice_overrides_a_campaign_default(caller, subscriber_id):
    campaign_id = campaign(caller, sms=False)
    set_global(caller, subscriber_id, preferences=[{"type": "sms", "enabled": True}])
    assert channels_of(caller, subscriber_id, campaign_id) == ALL_ON


def test_global_changes_keep_the_channels_chosen_before(caller, subscriber_id):
    set_global(caller, subscriber_id, preferences=off("email"))
    answer = set_global(caller, subscriber_id, preferences=off("sms"))
    assert answer["preference"]["channels"] == ALL_ON | {"email": False, "sms": False}
    assert stored(caller, subscriber_id)[GLOBAL_PREFERENCE_SK]["channels"] == {"email": False, "sms": False}


def test_disabling_globally_turns_off_every_campaign_without_a_choice_of_its_own(caller, subscriber_id):
    chosen, unchosen = campaign(caller), campaign(caller)
    set_campaign(caller, subscriber_id, chosen, channel={"type": "email", "enabled": True})
    answer = set_global(caller, subscriber_id, enabled=False)
    assert answer["preference"] == {"enabled": False, "channels": ALL_ON}
    assert channels_of(caller, subscriber_id, unchosen) == ALL_OFF
    assert channels_of(caller, subscriber_id, chosen) == ALL_OFF | {"email": True}


def test_enabling_globally_again_brings_back_the_channels_chosen_before(caller, subscriber_id):
    campaign_id = campaign(caller)
    set_global(caller, subscriber_id, preferences=off("push"))
    set_global(caller, subscriber_id, enabled=False)
    set_global(caller, subscriber_id, enabled=True)
    assert channels_of(caller, subscriber_id, campaign_id) == ALL_ON | {"push": False}


def test_an_empty_global_change_stores_nothing(caller, subscriber_id):
    answer = set_global(caller, subscriber_id)
    assert answer == {"preference": {"enabled": True, "channels": ALL_ON}}
    assert stored(caller, subscriber_id) == {}


def test_each_global_change_is_a_new_version_of_one_item(caller, subscriber_id):
    set_global(caller, subscriber_id, preferences=off("email"))
    set_global(caller, subscriber_id, enabled=False)
    items = stored(caller, subscriber_id)
    assert list(items) == [GLOBAL_PREFERENCE_SK]
    assert (items[GLOBAL_PREFERENCE_SK]["version"], items[GLOBAL_PREFERENCE_SK]["level"]) == (2, "global")


# changing a campaign's level


def test_turning_a_channel_off_for_a_campaign_affects_only_that_campaign(caller, subscriber_id):
    changed, untouched = campaign(caller), campaign(caller)
    answer = set_campaign(caller, subscriber_id, changed, channel={"type": "sms", "enabled": False})
    assert answer["template"]["_id"] == changed
    assert answer["preference"] == {"enabled": True, "channels": ALL_ON | {"sms": False}}
    assert channels_of(caller, subscriber_id, changed) == ALL_ON | {"sms": False}
    assert channels_of(caller, subscriber_id, untouched) == ALL_ON


def test_a_campaign_choice_keeps_the_channels_chosen_before(caller, subscriber_id):
    campaign_id = campaign(caller)
    set_campaign(caller, subscriber_id, campaign_id, channel={"type": "sms", "enabled": False})
    answer = set_campaign(caller, subscriber_id, campaign_id, channel={"type": "push", "enabled": False})
    assert answer["preference"]["channels"] == ALL_ON | {"sms": False, "push": False}


def test_a_campaign_choice_overrides_the_global_choice(caller, subscriber_id):
    campaign_id = campaign(caller)
    set_global(caller, subscriber_id, preferences=off("email", "sms"))
    set_campaign(caller, subscriber_id, campaign_id, channel={"type": "email", "enabled": True})
    assert channels_of(caller, subscriber_id, campaign_id) == ALL_ON | {"sms": False}


def test_disabling_a_campaign_turns_off_all_its_channels_and_shows_it_disabled(caller, subscriber_id):
    campaign_id = campaign(caller)
    answer = set_campaign(caller, subscriber_id, campaign_id, enabled=False)
    assert answer["preference"] == {"enabled": False, "channels": ALL_OFF}
    assert listed(caller, subscriber_id)[campaign_id]["preference"]["enabled"] is False


def test_a_campaign_choice_is_stored_with_its_campaign(caller, subscriber_id):
    campaign_id = campaign(caller)
    set_campaign(caller, subscriber_id, campaign_id, channel={"type": "chat", "enabled": False})
    item = stored(caller, subscriber_id)[campaign_preference_sk(campaign_id)]
    assert (item["level"], item["campaignId"], item["channels"]) == ("template", campaign_id, {"chat": False})


def test_an_empty_campaign_change_stores_nothing_and_answers_the_current_state(caller, subscriber_id):
    campaign_id = campaign(caller, sms=False)
    answer = set_campaign(caller, subscriber_id, campaign_id)
    assert answer["preference"] == {"enabled": True, "channels": ALL_ON | {"sms": False}}
    assert stored(caller, subscriber_id) == {}


def test_an_unknown_campaign_is_not_found_naming_parameter(caller, subscriber_id):
    with pytest.raises(NotFound) as error:
        set_campaign(caller, subscriber_id, "f" * 24, enabled=False)
    assert (error.value.field, error.value.value) == ("parameter", "f" * 24)
    assert stored(caller, subscriber_id) == {}


def test_another_environments_campaign_is_not_found(caller, subscriber_id):
    theirs = campaign(a_caller())
    with pytest.raises(NotFound):
        set_campaign(caller, subscriber_id, theirs, enabled=False)


def test_a_preference_changed_by_another_request_since_it_was_read_is_a_conflict(caller, subscriber_id, monkeypatch):
    campaign_id = campaign(caller)
    set_campaign(caller, subscriber_id, campaign_id, channel={"type": "sms", "enabled": False})
    items_for = PreferencesRepository.items_for

    def read_then_changed_elsewhere(self: PreferencesRepository, environment_id: str, wanted: str) -> list[Any]:
        items = items_for(self, environment_id, wanted)
        # another request changes the campaign's preference between this read and the service's write
        (current,) = [item for item in items if item["sk"] == campaign_preference_sk(campaign_id)]
        other = current | {"channels": {"sms": True}}
        PreferencesRepository().save(environment_id, wanted, other, read=current)
        return items

    monkeypatch.setattr(PreferencesRepository, "items_for", read_then_changed_elsewhere)
    with pytest.raises(Conflict):
        set_campaign(caller, subscriber_id, campaign_id, channel={"type": "push", "enabled": False})
    monkeypatch.undo()
    assert stored(caller, subscriber_id)[campaign_preference_sk(campaign_id)]["channels"] == {"sms": True}


# critical campaigns


def test_a_critical_campaign_always_uses_every_channel(caller, subscriber_id):
    critical = campaign(caller, critical=True, sms=False)
    set_global(caller, subscriber_id, enabled=False)
    entry = listed(caller, subscriber_id)[critical]
    assert entry["preference"] == {"enabled": True, "channels": ALL_ON}
    assert entry["template"]["critical"] is True


@pytest.mark.parametrize("body", [{"enabled": False}, {"channel": {"type": "email", "enabled": False}}])
def test_a_critical_campaigns_preference_cannot_be_changed(caller, subscriber_id, body):
    critical = campaign(caller, critical=True)
    with pytest.raises(CriticalCampaign) as error:
        set_campaign(caller, subscriber_id, critical, **body)
    assert (error.value.status, error.value.field, error.value.value) == (400, "parameter", critical)
    assert stored(caller, subscriber_id) == {}


# unknown subscribers


def test_every_preference_operation_is_not_found_for_an_unknown_subscriber(caller):
    campaign_id = campaign(caller)
    operations = [
        lambda: service.list_preferences(caller, "nobody"),
        lambda: service.preferences_by_level(caller, "nobody", "global"),
        lambda: service.preferences_by_level(caller, "nobody", "template"),
        lambda: set_global(caller, "nobody", enabled=False),
        lambda: set_campaign(caller, "nobody", campaign_id, enabled=False),
    ]
    for operation in operations:
        with pytest.raises(NotFound) as error:
            operation()
        assert (error.value.field, error.value.value) == ("subscriberId", "nobody")
    assert stored(caller, "nobody") == {}


def test_another_environments_subscriber_never_gets_its_preferences_changed(caller, subscriber_id):
    set_global(caller, subscriber_id, preferences=off("email"))
    stranger = a_caller()
    with pytest.raises(NotFound):
        set_global(stranger, subscriber_id, enabled=False)
    assert stored(caller, subscriber_id)[GLOBAL_PREFERENCE_SK].get("enabled") is None
