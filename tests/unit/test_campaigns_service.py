"""Campaigns (clarion.campaigns.service) on the in-memory store: creating and updating them with their version and
identifier rules, the steps checked at save time (layouts, the journey graph), and a journey's state machine
published in moto's Step Functions before the campaign that runs on it is stored."""

import uuid
from typing import Any

import pytest

from clarion.aws import client
from clarion.campaigns import service
from clarion.campaigns.models import CreateCampaignRequest, UpdateCampaignRequest
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.store.layouts import LayoutsRepository

EMAIL = {"channel": "email", "content": {"subject": "Hi {{ subscriber.firstName }}", "body": "<p>hello</p>"}}
SMS = {"channel": "sms", "content": {"body": "hello"}}
IN_APP = {"channel": "in_app", "content": {"body": "hello"}}


def caller(environment_id: str | None = None) -> Principal:
    return Principal(new_id(), environment_id or new_id(), frozenset())


def create(who: Principal, **fields: Any):
    body = {"name": f"Campaign {uuid.uuid4().hex[:10]}", "steps": [EMAIL]} | fields
    return service.create_campaign(who, CreateCampaignRequest.model_validate(body))


def update(who: Principal, campaign_id: str, **fields: Any):
    return service.update_campaign(who, campaign_id, UpdateCampaignRequest.model_validate(fields))


def journey_steps(second_subject: str = "later", hours: int = 1) -> list[dict[str, Any]]:
    return [
        {"id": "hello"} | EMAIL,
        {"id": "pause", "type": "wait", "wait": {"amount": hours, "unit": "hours"}},
        {"id": "later", "channel": "email", "content": {"subject": second_subject, "body": "<p>again</p>"}},
    ]


def layout(environment_id: str) -> str:
    layout_id = new_id()
    item = {
        "_id": layout_id,
        "name": "Plain",
        "identifier": f"plain-{layout_id}",
        "content": "<div>{{ body }}</div>",
        "isDefault": False,
    }
    LayoutsRepository().create(environment_id, item, replaces_default=None)
    return layout_id


def machines_of(campaign_id: str) -> list[dict[str, Any]]:
    machines = client("stepfunctions").list_state_machines()["stateMachines"]
    return [machine for machine in machines if campaign_id in machine["name"]]


@pytest.fixture(autouse=True)
def _tables(journey_settings):
    return journey_settings


# create


def test_a_new_campaign_is_a_draft_at_version_one_made_by_its_caller():
    who = caller()
    campaign = create(who)
    assert (campaign.status, campaign.version) == ("draft", 1)
    assert campaign.createdBy == campaign.updatedBy == who.client_id
    assert campaign.createdAt == campaign.updatedAt


def test_a_created_campaign_is_stored_and_read_back_as_it_was_answered():
    who = caller()
    campaign = create(who, description="welcome mail", critical=True)
    assert service.get_campaign(who, campaign.id) == campaign


def test_the_channels_are_the_distinct_channels_of_the_steps_in_step_order():
    campaign = create(caller(), steps=[SMS, EMAIL, SMS, IN_APP, EMAIL])
    assert campaign.channels == ["sms", "email", "in_app"]


def test_the_identifier_defaults_to_a_slug_of_the_name():
    campaign = create(caller(), name=f"Welcome, Café! {uuid.uuid4().hex[:6]}")
    assert campaign.identifier.startswith("welcome-cafe-")


def test_a_name_without_letters_or_digits_and_no_identifier_is_refused_naming_identifier():
    with pytest.raises(ValidationFailed) as refused:
        create(caller(), name="!!! ???")
    assert refused.value.field == "identifier"


def test_a_second_campaign_with_a_taken_identifier_is_a_conflict_naming_identifier():
    who = caller()
    taken = create(who).identifier
    with pytest.raises(Conflict) as refused:
        create(who, identifier=taken)
    assert refused.value.field == "identifier"


def test_another_environment_may_use_the_same_identifier():
    identifier = f"shared-{uuid.uuid4().hex[:8]}"
    first, second = create(caller(), identifier=identifier), create(caller(), identifier=identifier)
    assert first.identifier == second.identifier and first.id != second.id


@pytest.mark.parametrize(
    ("name", "identifier"),
    [
        ("Welcome, Café!", "welcome-cafe"),
        ("  Order   shipped  ", "order-shipped"),
        ("ÅNGSTRÖM über 2", "angstrom-uber-2"),
        ("release_notes v2.1", "release-notes-v2-1"),
        ("--Already-Slugged--", "already-slugged"),
    ],
)
def test_a_name_becomes_a_lowercase_ascii_slug(name: str, identifier: str):
    assert service.identifier_from_name(name) == identifier


def test_a_long_name_makes_an_identifier_of_at_most_100_characters_not_ending_in_a_hyphen():
    slug = service.identifier_from_name("a" * 99 + " b" + "c" * 50)
    assert slug == "a" * 99 and len(slug) <= 100


@pytest.mark.parametrize("name", ["!!!", "日本語のキャンペーン", "   "])
def test_a_name_with_no_ascii_letter_or_digit_has_no_identifier(name: str):
    with pytest.raises(ValidationFailed) as refused:
        service.identifier_from_name(name)
    assert refused.value.field == "identifier"


def test_a_step_naming_a_layout_of_the_environment_is_accepted():
    who = caller()
    layout_id = layout(who.environment_id)
    campaign = create(who, steps=[SMS, EMAIL | {"layoutId": layout_id}])
    assert campaign.steps[1]["layoutId"] == layout_id


def test_a_step_naming_an_unknown_layout_is_refused_naming_its_index_and_nothing_is_stored():
    who = caller()
    identifier = f"no-layout-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ValidationFailed) as refused:
        create(who, identifier=identifier, steps=[SMS, EMAIL | {"layoutId": new_id()}])
    assert refused.value.field == "steps[1].layoutId"
    assert CampaignsRepository().find_by_identifier(who.environment_id, identifier) is None


def test_another_environments_layout_is_as_unknown_as_a_missing_one():
    other_layout = layout(new_id())
    with pytest.raises(ValidationFailed) as refused:
        create(caller(), steps=[EMAIL | {"layoutId": other_layout}])
    assert refused.value.field == "steps[0].layoutId"


def test_an_explicit_null_layout_is_kept_unlike_an_absent_one():
    campaign = create(caller(), steps=[EMAIL | {"layoutId": None}, EMAIL])
    assert campaign.steps[0]["layoutId"] is None
    assert "layoutId" not in campaign.steps[1]


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([{"id": "a"} | EMAIL, {"id": "a", "type": "exit"}], "steps[1].id"),
        ([{"id": "a", "next": "nowhere"} | EMAIL], "steps[0].next"),
        (
            [{"id": "w", "type": "wait", "wait": {"event": "paid", "amount": 1}}, {"id": "s"} | SMS],
            "steps[0].wait.onTimeout",
        ),
    ],
)
def test_a_step_graph_that_does_not_hold_is_refused_naming_the_step_field(steps: list[dict[str, Any]], field: str):
    with pytest.raises(ValidationFailed) as refused:
        create(caller(), steps=steps)
    assert refused.value.field == field


# reading


def test_an_unknown_campaign_is_not_found_naming_campaign_id():
    with pytest.raises(NotFound) as refused:
        service.get_campaign(caller(), new_id())
    assert refused.value.field == "campaignId"


def test_another_environments_campaign_is_not_found():
    campaign = create(caller())
    with pytest.raises(NotFound):
        service.get_campaign(caller(), campaign.id)


def test_campaigns_are_listed_newest_first_a_page_at_a_time():
    who = caller()
    made = [create(who).id for _ in range(3)]
    first, cursor = service.list_campaigns(who, limit=2, cursor=None)
    assert cursor is not None
    rest, end = service.list_campaigns(who, limit=2, cursor=cursor)
    assert [campaign.id for campaign in first + rest] == sorted(made, reverse=True)
    assert end is None


# update


def test_an_update_changes_the_fields_given_bumps_the_version_and_names_the_updater():
    author = caller()
    editor = caller(author.environment_id)
    campaign = create(author, description="before")
    changed = update(editor, campaign.id, description="after", critical=True)
    assert (changed.description, changed.critical, changed.version) == ("after", True, 2)
    assert (changed.createdBy, changed.updatedBy) == (author.client_id, editor.client_id)
    assert changed.name == campaign.name and changed.steps == campaign.steps
    assert service.get_campaign(author, campaign.id) == changed


def test_an_update_to_the_values_already_stored_keeps_the_version():
    who = caller()
    campaign = create(who, description="same")
    unchanged = update(who, campaign.id, description="same", name=campaign.name)
    assert unchanged == campaign


def test_new_steps_change_the_channels_too():
    who = caller()
    campaign = create(who, steps=[EMAIL])
    changed = update(who, campaign.id, steps=[IN_APP, SMS])
    assert changed.channels == ["in_app", "sms"] and changed.version == 2


def test_a_new_identifier_moves_the_campaigns_pointer():
    who = caller()
    campaign = create(who)
    renamed = f"renamed-{uuid.uuid4().hex[:8]}"
    update(who, campaign.id, identifier=renamed)
    repository = CampaignsRepository()
    assert repository.find_by_identifier(who.environment_id, campaign.identifier) is None
    found = repository.find_by_identifier(who.environment_id, renamed)
    assert found is not None and found["_id"] == campaign.id


def test_renaming_to_a_taken_identifier_is_a_conflict_and_changes_nothing():
    who = caller()
    taken = create(who).identifier
    campaign = create(who)
    with pytest.raises(Conflict) as refused:
        update(who, campaign.id, identifier=taken, description="never")
    assert refused.value.field == "identifier"
    assert service.get_campaign(who, campaign.id) == campaign


def test_a_completed_campaign_can_no_longer_change():
    who = caller()
    campaign = create(who, status="completed")
    with pytest.raises(Conflict) as refused:
        update(who, campaign.id, description="too late")
    assert refused.value.field == "status"


def test_an_update_of_an_unknown_campaign_is_not_found():
    with pytest.raises(NotFound) as refused:
        update(caller(), new_id(), description="x")
    assert refused.value.field == "campaignId"


def test_an_update_based_on_a_stale_read_is_a_conflict_and_keeps_the_newer_version(monkeypatch: pytest.MonkeyPatch):
    who = caller()
    campaign = create(who)
    stale = CampaignsRepository().get(who.environment_id, campaign.id)
    newer = update(who, campaign.id, description="first writer")
    monkeypatch.setattr(CampaignsRepository, "get", lambda self, environment_id, campaign_id: stale)
    with pytest.raises(Conflict):
        update(who, campaign.id, description="second writer")
    monkeypatch.undo()
    assert service.get_campaign(who, campaign.id) == newer


def test_an_update_with_steps_naming_an_unknown_layout_is_refused_and_changes_nothing():
    who = caller()
    campaign = create(who)
    with pytest.raises(ValidationFailed) as refused:
        update(who, campaign.id, steps=[SMS, SMS, EMAIL | {"layoutId": new_id()}])
    assert refused.value.field == "steps[2].layoutId"
    assert service.get_campaign(who, campaign.id) == campaign


# journeys


def test_a_campaign_of_channel_sends_only_has_no_state_machine():
    campaign = create(caller(), steps=[EMAIL, SMS])
    assert machines_of(campaign.id) == []


def test_saving_a_journey_publishes_its_state_machine():
    who = caller()
    campaign = create(who, steps=journey_steps())
    [machine] = machines_of(campaign.id)
    assert who.environment_id in machine["name"]
    described = client("stepfunctions").describe_state_machine(stateMachineArn=machine["stateMachineArn"])
    assert described["roleArn"] == settings().journey_role_arn
    assert '"StartAt": "hello"' in described["definition"]


def test_a_journey_version_changing_only_a_template_keeps_its_state_machine():
    who = caller()
    campaign = create(who, steps=journey_steps())
    changed = update(who, campaign.id, steps=journey_steps(second_subject="a new subject"))
    assert changed.version == 2
    assert len(machines_of(campaign.id)) == 1


def test_a_journey_version_changing_the_graph_gets_a_new_state_machine():
    who = caller()
    campaign = create(who, steps=journey_steps(hours=1))
    update(who, campaign.id, steps=journey_steps(hours=2))
    assert len(machines_of(campaign.id)) == 2


def test_an_invalid_journey_publishes_no_state_machine():
    who = caller()
    identifier = f"broken-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ValidationFailed):
        create(who, identifier=identifier, steps=[{"id": "a", "next": "b"} | EMAIL])
    assert not [m for m in client("stepfunctions").list_state_machines()["stateMachines"] if identifier in m["name"]]
