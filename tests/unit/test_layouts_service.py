"""clarion.layouts.service and clarion.layouts.preview on the in-memory store: Novu v1's layout rules (the first
layout is the default, one default always, the default and layouts campaigns name cannot be deleted, identifiers
unique in the environment) and a campaign step previewed as the dispatcher would render it, in its layout."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.service import create_campaign
from clarion.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from clarion.layouts import service
from clarion.layouts.models import CreateLayoutRequest, UpdateLayoutRequest
from clarion.layouts.preview import PreviewRequest, preview_step
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.store.layouts import LayoutsRepository
from clarion.subscribers.repository import SubscribersRepository
from tests.unit.conftest import StillClock

CONTENT = "<html><header>{{ payload.brand }}</header>{{{body}}}<footer>{{ subscriber.firstName }}</footer></html>"
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def stepping_clock(use_clock) -> StillClock:
    return use_clock(START, step=1)  # layouts created one after another have distinct times


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return a_caller()


def a_caller() -> Principal:
    return Principal(client_id=f"client-{uuid.uuid4().hex[:6]}", environment_id=uuid.uuid4().hex, scopes=frozenset())


def layout(caller: Principal, name: str = "Main", **fields: Any) -> dict[str, Any]:
    body = {"name": name, "identifier": f"{name.lower()}-{uuid.uuid4().hex[:8]}", "content": CONTENT} | fields
    return service.create_layout(caller, CreateLayoutRequest.model_validate(body)).model_dump()


def update(caller: Principal, layout_id: str, **fields: Any) -> dict[str, Any]:
    return service.update_layout(caller, layout_id, UpdateLayoutRequest.model_validate(fields)).model_dump()


def fetched(caller: Principal, layout_id: str) -> dict[str, Any]:
    return service.get_layout(caller, layout_id).model_dump()


def default_ids(caller: Principal) -> list[str]:
    return [item.id for item in service.list_layouts(caller, page=0, page_size=100).data if item.isDefault]


def campaign(caller: Principal, *steps: dict[str, Any]) -> dict[str, Any]:
    request = CreateCampaignRequest.model_validate({"name": f"Campaign {uuid.uuid4().hex[:8]}", "steps": list(steps)})
    return create_campaign(caller, request).model_dump()


def email_step(subject: str = "Hello {{ subscriber.firstName }}", **fields: Any) -> dict[str, Any]:
    return {"channel": "email", "content": {"subject": subject, "body": "<p>Order {{ payload.order }}</p>"}} | fields


def preview(caller: Principal, campaign_id: str, **body: Any) -> dict[str, Any]:
    return preview_step(caller, campaign_id, PreviewRequest.model_validate(body)).model_dump()


# create and read


def test_a_created_layout_comes_back_in_novus_shape_and_reads_back_the_same(caller):
    variables = [{"name": "brand", "defaultValue": "Acme"}]
    created = layout(caller, "Brand", description="Our brand", variables=variables)
    assert fetched(caller, created["_id"]) == created
    assert (created["_environmentId"], created["_organizationId"], created["_creatorId"]) == (
        caller.environment_id,
        settings().organization_id,
        caller.client_id,
    )
    assert (created["channel"], created["contentType"], created["isDeleted"]) == ("email", "customHtml", False)
    assert created["variables"] == [{"name": "brand", "type": "String", "defaultValue": "Acme", "required": False}]
    assert (created["name"], created["description"], created["content"]) == ("Brand", "Our brand", CONTENT)
    assert created["createdAt"] == created["updatedAt"]


def test_the_first_layout_becomes_the_default_even_when_asked_not_to_and_a_later_one_does_not(caller):
    first = layout(caller, "First", isDefault=False)
    second = layout(caller, "Second")
    assert (first["isDefault"], second["isDefault"]) == (True, False)
    assert default_ids(caller) == [first["_id"]]


def test_creating_a_layout_as_default_moves_the_default(caller):
    first = layout(caller, "First")
    second = layout(caller, "Second", isDefault=True)
    assert second["isDefault"] is True
    assert fetched(caller, first["_id"])["isDefault"] is False
    assert default_ids(caller) == [second["_id"]]
    assert LayoutsRepository().default_id(caller.environment_id) == second["_id"]


@pytest.mark.parametrize(
    ("name", "identifier"),
    [("Brand Layout", "brand-layout"), ("Café, Été!", "cafe-ete"), ("  spaced   out ", "spaced-out")],
)
def test_the_identifier_defaults_to_a_slug_of_the_name(caller, name, identifier):
    created = service.create_layout(caller, CreateLayoutRequest(name=name, content=CONTENT))
    assert created.identifier == identifier


def test_a_name_without_letters_or_digits_needs_an_identifier(caller):
    with pytest.raises(ValidationFailed) as error:
        service.create_layout(caller, CreateLayoutRequest(name="!!!", content=CONTENT))
    assert error.value.field == "identifier"
    assert service.list_layouts(caller, page=0, page_size=10).totalCount == 0


def test_a_taken_identifier_is_a_conflict_naming_it_and_stores_nothing(caller):
    first = layout(caller, "First")
    with pytest.raises(Conflict) as error:
        layout(caller, "Second", identifier=first["identifier"])
    assert error.value.field == "identifier"
    assert [item.id for item in service.list_layouts(caller, page=0, page_size=10).data] == [first["_id"]]


def test_a_taken_identifier_of_a_layout_asking_to_be_default_leaves_the_default(caller):
    first = layout(caller, "First")
    with pytest.raises(Conflict):
        layout(caller, "Second", identifier=first["identifier"], isDefault=True)
    assert default_ids(caller) == [first["_id"]]
    assert fetched(caller, first["_id"])["isDefault"] is True


def test_the_same_identifier_in_another_environment_is_free(caller):
    ours = layout(caller, "Ours")
    theirs = layout(a_caller(), "Theirs", identifier=ours["identifier"])
    assert theirs["isDefault"] is True


def test_an_unknown_layout_is_not_found_naming_layout_id(caller):
    with pytest.raises(NotFound) as error:
        service.get_layout(caller, "f" * 24)
    assert error.value.field == "layoutId"


def test_another_environments_layout_is_as_absent_as_a_missing_one(caller):
    theirs = layout(a_caller(), "Theirs")
    for attempt in (
        lambda: service.get_layout(caller, theirs["_id"]),
        lambda: update(caller, theirs["_id"], name="Taken"),
        lambda: service.set_default_layout(caller, theirs["_id"]),
        lambda: service.delete_layout(caller, theirs["_id"]),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert service.list_layouts(caller, page=0, page_size=10).data == []


# list


def test_the_list_is_novus_offset_page_newest_first(caller):
    ids = [layout(caller, f"L{index}")["_id"] for index in range(5)]
    pages = [service.list_layouts(caller, page=page, page_size=2) for page in range(3)]
    assert [item.id for page in pages for item in page.data] == list(reversed(ids))
    assert [(page.page, page.pageSize, page.totalCount, page.hasMore) for page in pages] == [
        (0, 2, 5, True),
        (1, 2, 5, True),
        (2, 2, 5, False),
    ]


def test_a_page_past_the_end_is_empty_and_counts_every_layout(caller):
    layout(caller)
    page = service.list_layouts(caller, page=4, page_size=10)
    assert (page.data, page.totalCount, page.hasMore) == ([], 1, False)


# update


def test_an_update_changes_only_the_fields_given(caller):
    created = layout(caller, "Brand", description="Before")
    updated = update(caller, created["_id"], name="Renamed", content="<div>{{{body}}}</div>")
    assert (updated["name"], updated["content"], updated["description"]) == (
        "Renamed",
        "<div>{{{body}}}</div>",
        "Before",
    )
    assert (updated["identifier"], updated["createdAt"]) == (created["identifier"], created["createdAt"])
    assert updated["updatedAt"] > created["updatedAt"]
    assert fetched(caller, created["_id"]) == updated


def test_variables_as_novus_python_sdk_sends_them_are_stored_as_novus_api_has_them(caller):
    sent = [{"name": "brand", "type": "String", "_id": None, "required": False, "default_value": "Acme"}]
    created = layout(caller, variables=sent)
    assert created["variables"] == [{"name": "brand", "type": "String", "defaultValue": "Acme", "required": False}]
    assert fetched(caller, created["_id"])["variables"] == created["variables"]


def test_an_update_with_variables_replaces_them_with_their_defaults_filled(caller):
    created = layout(caller, variables=[{"name": "old"}])
    updated = update(caller, created["_id"], variables=[{"name": "brand", "type": "Boolean", "required": True}])
    assert updated["variables"] == [{"name": "brand", "type": "Boolean", "defaultValue": None, "required": True}]


def test_an_update_giving_the_current_values_changes_nothing_not_even_the_version(caller):
    created = layout(caller, "Same")
    unchanged = update(caller, created["_id"], name="Same", content=CONTENT, isDefault=True)
    assert unchanged == created
    stored = LayoutsRepository().get(caller.environment_id, created["_id"])
    assert stored is not None
    assert stored["version"] == 1


def test_each_real_change_is_a_new_version(caller):
    created = layout(caller)
    update(caller, created["_id"], name="Two")
    update(caller, created["_id"], description="Three")
    stored = LayoutsRepository().get(caller.environment_id, created["_id"])
    assert stored is not None
    assert stored["version"] == 3


def test_an_empty_update_is_refused_naming_the_body(caller):
    created = layout(caller)
    with pytest.raises(ValidationFailed) as error:
        update(caller, created["_id"])
    assert error.value.field == "body"


def test_an_update_with_is_default_true_makes_it_the_default(caller):
    first, second = layout(caller, "First"), layout(caller, "Second")
    updated = update(caller, second["_id"], isDefault=True, name="Now default")
    assert (updated["isDefault"], updated["name"]) == (True, "Now default")
    assert fetched(caller, first["_id"])["isDefault"] is False
    assert default_ids(caller) == [second["_id"]]


def test_unsetting_the_default_is_a_conflict_and_changes_nothing(caller):
    created = layout(caller)
    with pytest.raises(Conflict) as error:
        update(caller, created["_id"], isDefault=False, name="Changed")
    assert error.value.field == "isDefault"
    assert fetched(caller, created["_id"]) == created


def test_is_default_false_on_a_layout_that_is_not_the_default_is_no_change(caller):
    first, second = layout(caller, "First"), layout(caller, "Second")
    assert update(caller, second["_id"], isDefault=False) == second
    assert default_ids(caller) == [first["_id"]]


def test_a_renamed_identifier_frees_the_old_one(caller):
    created = layout(caller, "Brand")
    old = created["identifier"]
    updated = update(caller, created["_id"], identifier="brand-v2")
    assert updated["identifier"] == "brand-v2"
    repository = LayoutsRepository()
    assert (
        repository.id_of_identifier(caller.environment_id, "brand-v2"),
        repository.id_of_identifier(caller.environment_id, old),
    ) == (created["_id"], None)
    assert layout(caller, "Other", identifier=old)["identifier"] == old


def test_renaming_to_a_taken_identifier_is_a_conflict_naming_it_and_changes_nothing(caller):
    first, second = layout(caller, "First"), layout(caller, "Second")
    with pytest.raises(Conflict) as error:
        update(caller, second["_id"], identifier=first["identifier"], name="Changed")
    assert error.value.field == "identifier"
    assert fetched(caller, second["_id"]) == second
    assert LayoutsRepository().id_of_identifier(caller.environment_id, second["identifier"]) == second["_id"]


def test_updating_an_unknown_layout_is_not_found(caller):
    with pytest.raises(NotFound) as error:
        update(caller, "f" * 24, name="x")
    assert error.value.field == "layoutId"


# the default


def test_setting_the_default_moves_it_and_unmarks_the_old_one(caller):
    first, second = layout(caller, "First"), layout(caller, "Second")
    service.set_default_layout(caller, second["_id"])
    assert default_ids(caller) == [second["_id"]]
    assert fetched(caller, first["_id"])["isDefault"] is False
    assert LayoutsRepository().default_id(caller.environment_id) == second["_id"]


def test_setting_the_current_default_again_changes_nothing(caller):
    first = layout(caller, "First")
    layout(caller, "Second")
    service.set_default_layout(caller, first["_id"])
    assert default_ids(caller) == [first["_id"]]
    assert fetched(caller, first["_id"]) == first


def test_setting_an_unknown_layout_as_default_is_not_found_and_keeps_the_default(caller):
    first = layout(caller)
    with pytest.raises(NotFound):
        service.set_default_layout(caller, "f" * 24)
    assert LayoutsRepository().default_id(caller.environment_id) == first["_id"]


# delete


def test_a_layout_no_campaign_uses_is_deleted_and_frees_its_identifier(caller):
    layout(caller, "Default")
    spare = layout(caller, "Spare")
    service.delete_layout(caller, spare["_id"])
    with pytest.raises(NotFound):
        service.get_layout(caller, spare["_id"])
    assert LayoutsRepository().id_of_identifier(caller.environment_id, spare["identifier"]) is None
    assert service.list_layouts(caller, page=0, page_size=10).totalCount == 1


def test_the_default_layout_cannot_be_deleted(caller):
    default = layout(caller)
    with pytest.raises(Conflict) as error:
        service.delete_layout(caller, default["_id"])
    assert error.value.field == "layoutId"
    assert fetched(caller, default["_id"]) == default


def test_a_layout_a_campaigns_step_names_cannot_be_deleted_and_the_error_names_the_campaign(caller):
    layout(caller, "Default")
    named = layout(caller, "Named")
    user = campaign(caller, email_step(layoutId=named["_id"]))
    with pytest.raises(Conflict) as error:
        service.delete_layout(caller, named["_id"])
    assert error.value.field == "layoutId"
    assert user["_id"] in error.value.message
    assert fetched(caller, named["_id"]) == named


def test_campaigns_using_only_the_default_do_not_keep_another_layout_from_deletion(caller):
    layout(caller, "Default")
    spare = layout(caller, "Spare")
    campaign(caller, email_step())  # uses the default: no layoutId
    service.delete_layout(caller, spare["_id"])
    assert LayoutsRepository().get(caller.environment_id, spare["_id"]) is None


def test_deleting_an_unknown_layout_is_not_found(caller):
    with pytest.raises(NotFound) as error:
        service.delete_layout(caller, "f" * 24)
    assert error.value.field == "layoutId"


# preview


def stored_subscriber(caller: Principal, **fields: Any) -> str:
    subscriber_id = f"sub-{uuid.uuid4().hex[:8]}"
    profile = {"id": uuid.uuid4().hex[:24], "environmentId": caller.environment_id, "subscriberId": subscriber_id}
    assert SubscribersRepository().create(profile | fields)
    return subscriber_id


def test_an_email_preview_is_wrapped_in_the_default_layout(caller):
    subscriber_id = stored_subscriber(caller, firstName="Ada")
    layout(caller)
    previewed = campaign(caller, email_step())
    shown = preview(caller, previewed["_id"], subscriberId=subscriber_id, payload={"order": 5, "brand": "Acme"})
    assert shown == {
        "stepIndex": 0,
        "channel": "email",
        "content": {
            "subject": "Hello Ada",
            "html": "<html><header>Acme</header><p>Order 5</p><footer>Ada</footer></html>",
        },
    }


def test_a_step_naming_a_layout_previews_in_that_layout(caller):
    layout(caller, "Default")
    named = layout(caller, "Named", content="<main>{{{body}}}</main>")
    previewed = campaign(caller, email_step(layoutId=named["_id"]))
    assert preview(caller, previewed["_id"], payload={"order": 1})["content"]["html"] == "<main><p>Order 1</p></main>"


def test_a_step_without_a_layout_previews_bare(caller):
    layout(caller)
    previewed = campaign(caller, email_step("Hello", layoutId=None))
    assert preview(caller, previewed["_id"], payload={"order": 3})["content"] == {
        "subject": "Hello",
        "html": "<p>Order 3</p>",
    }


def test_without_any_layout_the_email_previews_as_rendered(caller):
    previewed = campaign(caller, email_step())
    assert preview(caller, previewed["_id"], payload={"order": 2})["content"]["html"] == "<p>Order 2</p>"


def test_a_preview_for_given_fields_and_locale_needs_no_stored_subscriber(caller):
    french = {"fr": {"body": "Salut {{ subscriber.firstName }}"}}
    sms = {"channel": "sms", "content": {"body": "Hi {{ subscriber.firstName }}"}, "locales": french}
    previewed = campaign(caller, email_step(), sms)
    shown = preview(caller, previewed["_id"], stepIndex=1, subscriber={"firstName": "Zoé"}, locale="fr-CA")
    assert shown == {"stepIndex": 1, "channel": "sms", "content": {"body": "Salut Zoé"}}


def test_a_stored_subscribers_locale_chooses_the_content_unless_the_request_gives_one(caller):
    subscriber_id = stored_subscriber(caller, firstName="Zoé", locale="fr-FR")
    sms = {"channel": "sms", "content": {"body": "Hi"}, "locales": {"fr": {"body": "Salut"}, "de": {"body": "Hallo"}}}
    previewed = campaign(caller, sms)
    assert preview(caller, previewed["_id"], subscriberId=subscriber_id)["content"] == {"body": "Salut"}
    assert preview(caller, previewed["_id"], subscriberId=subscriber_id, locale="de")["content"] == {"body": "Hallo"}


def test_a_step_past_the_last_is_refused_naming_step_index(caller):
    previewed = campaign(caller, email_step())
    with pytest.raises(ValidationFailed) as error:
        preview(caller, previewed["_id"], stepIndex=1)
    assert (error.value.field, error.value.value) == ("stepIndex", 1)


def test_a_step_that_sends_no_message_is_refused_naming_step_index(caller):
    campaign_id = uuid.uuid4().hex[:24]
    journey = {
        "_id": campaign_id,
        "identifier": f"journey-{campaign_id}",
        "version": 1,
        "steps": [{"id": "pause", "type": "wait", "wait": {"delay": "PT1H"}}, email_step()],
    }
    CampaignsRepository().create(caller.environment_id, journey)
    with pytest.raises(ValidationFailed) as error:
        preview(caller, campaign_id, stepIndex=0)
    assert error.value.field == "stepIndex"


def test_giving_both_a_subscriber_id_and_fields_is_refused_naming_subscriber(caller):
    previewed = campaign(caller, email_step())
    with pytest.raises(ValidationFailed) as error:
        preview(caller, previewed["_id"], subscriberId="ada", subscriber={"firstName": "A"})
    assert error.value.field == "subscriber"


def test_an_unknown_stored_subscriber_is_not_found_naming_subscriber_id(caller):
    previewed = campaign(caller, email_step())
    with pytest.raises(NotFound) as error:
        preview(caller, previewed["_id"], subscriberId="nobody")
    assert error.value.field == "subscriberId"


def test_an_unknown_campaign_is_not_found_naming_campaign_id(caller):
    with pytest.raises(NotFound) as error:
        preview(caller, "f" * 24)
    assert error.value.field == "campaignId"


def test_a_payload_over_the_trigger_limit_is_refused_naming_payload(caller):
    previewed = campaign(caller, email_step())
    with pytest.raises(PayloadTooLarge) as error:
        preview(caller, previewed["_id"], payload={"blob": "x" * 70_000})
    assert error.value.field == "payload"


def test_a_template_failing_to_render_is_refused_naming_the_step_field(caller):
    previewed = campaign(caller, {"channel": "sms", "content": {"body": "{{ payload.n // 0 }}"}})
    with pytest.raises(ValidationFailed) as error:
        preview(caller, previewed["_id"], payload={"n": 1})
    assert error.value.field == "steps[0].content.body"


def test_a_layout_failing_to_render_is_refused_naming_the_steps_layout_id(caller):
    layout(caller, content="{{{body}}}{{ payload.n // 0 }}")
    previewed = campaign(caller, email_step())
    with pytest.raises(ValidationFailed) as error:
        preview(caller, previewed["_id"], payload={"n": 1})
    assert error.value.field == "steps[0].layoutId"
