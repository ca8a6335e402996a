"""Changes and their promotion (clarion.changes, clarion.promotion) on the in-memory store: writes in an environment
that another has as parent become one pending change per entity; applying copies the entity there, by identifier."""

import uuid
from typing import Any

import pytest

from clarion.aws import client
from clarion.campaigns.models import CreateCampaignRequest, UpdateCampaignRequest
from clarion.campaigns.operations import start_campaign, stop_campaign
from clarion.campaigns.service import create_campaign, update_campaign
from clarion.campaigns.workflow_models import CreateWorkflowRequest
from clarion.campaigns.workflows import create_workflow
from clarion.changes import service
from clarion.changes.repository import ChangesRepository
from clarion.dynamo import DynamoTable, Expression
from clarion.environments.models import CreateEnvironmentRequest
from clarion.environments.service import create_environment
from clarion.errors import Conflict, NotFound
from clarion.feeds.models import CreateFeedRequest
from clarion.feeds.service import create_feed, list_feeds
from clarion.layouts.models import CreateLayoutRequest, UpdateLayoutRequest
from clarion.layouts.service import create_layout, delete_layout, list_layouts, set_default_layout, update_layout
from clarion.principal import Principal
from clarion.promotion import service as promotion
from clarion.promotion.service import apply_change, apply_changes
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.store.keys import change_sk, changes_pk

CONTENT = "<main>{{{body}}}</main>"


@pytest.fixture
def development(memory_tables, use_clock) -> Principal:
    use_clock(1_780_000_000, step=1)  # changes recorded one after another have distinct times
    return in_environment(create_environment(CreateEnvironmentRequest(name=f"dev-{uuid.uuid4().hex[:8]}")).id)


@pytest.fixture
def production(development: Principal) -> Principal:
    name = f"prod-{uuid.uuid4().hex[:8]}"
    return in_environment(
        create_environment(CreateEnvironmentRequest(name=name, parentId=development.environment_id)).id
    )


def in_environment(environment_id: str) -> Principal:
    return Principal(client_id=uuid.uuid4().hex[:24], environment_id=environment_id, scopes=frozenset())


def layout(caller: Principal, **fields: Any) -> str:
    body = {"name": "Brand", "identifier": f"brand-{uuid.uuid4().hex[:6]}", "content": CONTENT} | fields
    return create_layout(caller, CreateLayoutRequest.model_validate(body)).id


def campaign(caller: Principal, *, layout_id: str | None = None) -> str:
    step = {"channel": "email", "content": {"subject": "Hi", "body": "<p>Hi</p>"}} | (
        {"layoutId": layout_id} if layout_id else {}
    )
    request = CreateCampaignRequest.model_validate({"name": f"Welcome {uuid.uuid4().hex[:6]}", "steps": [step]})
    return create_campaign(caller, request).id


def pending(caller: Principal) -> list[dict[str, Any]]:
    return [
        change.model_dump(by_alias=True)
        for change in service.list_changes(caller, promoted=False, page=0, limit=100).data
    ]


def layouts_of(caller: Principal) -> list[dict[str, Any]]:
    return [item.model_dump(by_alias=True) for item in list_layouts(caller, page=0, page_size=100).data]


def test_an_environment_that_no_environment_has_as_parent_records_no_change(development):
    layout(development)
    assert service.count_changes(development) == 0 and pending(development) == []


def test_a_created_layout_is_one_pending_change_adding_its_fields(development, production):
    layout_id = layout(development, name="Brand", description="Our frame")
    [change] = pending(development)
    assert (change["_entityId"], change["type"], change["enabled"], change["templateName"]) == (
        layout_id,
        "Layout",
        False,
        "Brand",
    )
    assert {"op": "add", "path": ["description"], "val": "Our frame"} in change["change"]
    assert {detail["op"] for detail in change["change"]} == {"add"}
    assert service.count_changes(development) == 1


def test_edits_before_applying_update_the_same_change(development, production):
    layout_id = layout(development, name="Brand")
    update_layout(development, layout_id, UpdateLayoutRequest(name="Brand 2"))
    [change] = pending(development)
    assert {"op": "add", "path": ["name"], "val": "Brand 2"} in change["change"]


def test_applying_creates_the_layout_in_production_and_a_later_edit_updates_it_there(development, production):
    layout_id = layout(development, name="Brand")
    [change] = pending(development)
    [applied] = apply_change(development, change["_id"])
    assert applied.enabled and applied.appliedAt is not None
    [promoted] = layouts_of(production)
    assert (promoted["name"], promoted["content"], promoted["isDefault"]) == ("Brand", CONTENT, True)
    assert service.count_changes(development) == 0
    assert [c.id for c in service.list_changes(development, promoted=True, page=0, limit=10).data] == [change["_id"]]

    update_layout(development, layout_id, UpdateLayoutRequest(content="<div>{{ body }}</div>"))
    [edit] = pending(development)
    assert edit["_id"] != change["_id"]
    assert edit["change"] == [{"op": "update", "path": ["content"], "val": "<div>{{ body }}</div>"}]
    apply_changes(development, [edit["_id"]])
    [updated] = layouts_of(production)
    assert (updated["_id"], updated["content"]) == (promoted["_id"], "<div>{{ body }}</div>")


def test_applying_an_applied_change_again_changes_nothing(development, production):
    layout(development, name="Brand")
    [change] = pending(development)
    apply_change(development, change["_id"])
    [promoted] = layouts_of(production)
    update_layout(production, promoted["_id"], UpdateLayoutRequest(name="Edited in production"))
    [again] = apply_change(development, change["_id"])
    assert again.enabled and layouts_of(production)[0]["name"] == "Edited in production"


def test_a_campaign_naming_a_layout_waits_for_the_layout_and_then_names_productions(development, production):
    layout_id = layout(development)
    campaign_id = campaign(development, layout_id=layout_id)
    campaign_change, layout_change = pending(development)  # newest first
    assert (campaign_change["_entityId"], campaign_change["type"]) == (campaign_id, "NotificationTemplate")
    with pytest.raises(Conflict) as too_soon:
        apply_change(development, campaign_change["_id"])
    assert too_soon.value.field == "steps[0].layoutId"
    assert CampaignsRepository().all(production.environment_id) == []

    results = apply_changes(development, [campaign_change["_id"], layout_change["_id"]])
    assert [[change.id for change in applied] for applied in results] == [
        [layout_change["_id"]],
        [campaign_change["_id"]],
    ]
    [promoted] = CampaignsRepository().all(production.environment_id)
    [production_layout] = layouts_of(production)
    assert promoted["steps"][0]["layoutId"] == production_layout["_id"]


def test_a_campaign_update_after_promotion_updates_the_production_campaign(development, production):
    campaign_id = campaign(development)
    apply_change(development, pending(development)[0]["_id"])
    update_campaign(development, campaign_id, UpdateCampaignRequest(name="Renamed", status="active"))
    [edit] = pending(development)
    assert {(detail["op"], detail["path"][0]) for detail in edit["change"]} == {
        ("update", "name"),
        ("update", "status"),
    }
    apply_change(development, edit["_id"])
    [promoted] = CampaignsRepository().all(production.environment_id)
    assert (promoted["name"], promoted["status"], promoted["version"]) == ("Renamed", "active", 2)


def test_an_unknown_change_in_a_bulk_is_a_404_naming_it_and_nothing_is_applied(development, production):
    layout(development)
    [change] = pending(development)
    with pytest.raises(NotFound) as unknown:
        apply_changes(development, [change["_id"], "f" * 24])
    assert unknown.value.field == "changeIds[1]"
    assert service.count_changes(development) == 1 and layouts_of(production) == []


def test_another_environments_change_is_not_found(development, production):
    layout(development)
    [change] = pending(development)
    with pytest.raises(NotFound):
        apply_change(production, change["_id"])
    assert service.list_changes(production, promoted=False, page=0, limit=10).totalCount == 0


def test_changes_are_listed_newest_first_in_pages(development, production):
    ids = [layout(development) for _ in range(3)]
    page = service.list_changes(development, promoted=False, page=1, limit=2)
    assert (page.totalCount, page.hasMore, [change.entityId for change in page.data]) == (3, False, [ids[0]])
    first = service.list_changes(development, promoted=False, page=0, limit=2)
    assert first.hasMore and [change.entityId for change in first.data] == [ids[2], ids[1]]


def test_deleting_moving_the_default_and_campaign_operations_record_no_change(development, production):
    first, second = layout(development), layout(development)
    campaign_id = campaign(development)
    apply_changes(development, [change["_id"] for change in pending(development)])
    set_default_layout(development, second)
    delete_layout(development, first)
    start_campaign(development, campaign_id)
    stop_campaign(development, campaign_id)
    assert service.count_changes(development) == 0
    assert len(layouts_of(production)) == 2


def test_a_write_while_applying_is_a_409_and_leaves_the_newer_change_pending(development, production, monkeypatch):
    layout_id = layout(development, name="Brand")
    [change] = pending(development)
    promote = promotion._promote_layout

    def promote_during_a_write(in_target: Principal, snapshot: dict[str, Any]) -> None:
        update_layout(development, layout_id, UpdateLayoutRequest(name="Written meanwhile"))
        promote(in_target, snapshot)

    monkeypatch.setattr(promotion, "_promote_layout", promote_during_a_write)
    with pytest.raises(Conflict) as raced:
        apply_change(development, change["_id"])
    assert raced.value.field == "changeId"
    [still] = pending(development)
    assert (still["_id"], still["templateName"]) == (change["_id"], "Written meanwhile")


def test_a_first_write_racing_another_revises_the_change_the_other_opened(development, production, monkeypatch):
    layout_id = layout(development, name="Brand")
    find_pending = ChangesRepository.pending
    lookups: list[str] = []

    def stale_at_first(self: ChangesRepository, *key: str) -> Any:
        lookups.append(key[-1])  # the first lookup misses the change, as a write racing its opening would
        return None if len(lookups) == 1 else find_pending(self, *key)

    monkeypatch.setattr(ChangesRepository, "pending", stale_at_first)
    update_layout(development, layout_id, UpdateLayoutRequest(name="Brand 2"))
    [change] = pending(development)
    assert change["templateName"] == "Brand 2" and lookups == [layout_id, layout_id]


def test_a_journey_is_promoted_whole_and_gets_its_state_machine_in_production(development, production, monkeypatch):
    monkeypatch.setenv("JOURNEY_ROLE_ARN", "arn:aws:iam::123456789012:role/journeys")
    monkeypatch.setenv("JOURNEY_TASK_FUNCTION_NAME", "journey-task")
    settings.cache_clear()
    steps = [
        {"id": "hello", "channel": "in_app", "content": {"body": "Hi {{ subscriber.firstName }}"}},
        {"id": "pause", "type": "wait", "wait": {"event": "paid", "amount": 2, "unit": "days", "onTimeout": "nudge"}},
        {"id": "thanks", "channel": "sms", "content": {"body": "Thanks"}, "next": "done"},
        {
            "id": "nudge",
            "type": "branch",
            "branches": [
                {
                    "conditions": [
                        {"children": [{"field": "plan", "operator": "EQUAL", "value": "pro", "on": "payload"}]}
                    ],
                    "next": "done",
                }
            ],
            "default": "remind",
        },
        {
            "id": "remind",
            "channel": "email",
            "content": {"subject": "Still there?", "body": "<p>Hi</p>"},
            "layoutId": None,
        },
        {"id": "done", "type": "exit"},
    ]
    request = CreateCampaignRequest.model_validate({"name": "Onboarding", "status": "active", "steps": steps})
    created = create_campaign(development, request)
    apply_change(development, pending(development)[0]["_id"])
    [promoted] = CampaignsRepository().all(production.environment_id)
    assert promoted["steps"] == [step for step in created.steps]
    machines = [m["name"] for m in client("stepfunctions").list_state_machines()["stateMachines"]]
    assert any(production.environment_id in name and promoted["_id"] in name for name in machines)


def test_a_change_that_no_longer_validates_is_a_409_naming_the_field(development, production):
    layout(development, name="Brand")
    [change] = pending(development)
    spoiled = Expression(
        "SET #snapshot.content = :content", names={"#snapshot": "snapshot"}, values={":content": "<p>no body</p>"}
    )
    DynamoTable(settings().campaigns_table).update(
        changes_pk(development.environment_id), change_sk(change["_id"]), spoiled
    )
    with pytest.raises(Conflict) as refused:
        apply_change(development, change["_id"])
    assert refused.value.field == "content"
    assert layouts_of(production) == [] and service.count_changes(development) == 1


def test_a_feed_made_in_development_is_a_change_and_applying_makes_it_once_in_production(development, production):
    create_feed(development, CreateFeedRequest(name="News"))
    create_feed(production, CreateFeedRequest(name="Alerts"))
    create_feed(development, CreateFeedRequest(name="Alerts"))
    alerts, news = pending(development)  # newest first
    assert (news["type"], news["templateName"]) == ("Feed", "News")
    assert news["change"] == [
        {"op": "add", "path": ["identifier"], "val": "News"},
        {"op": "add", "path": ["name"], "val": "News"},
    ]
    apply_changes(development, [news["_id"], alerts["_id"]])
    assert sorted(feed.name for feed in list_feeds(production)) == ["Alerts", "News"]  # Alerts once: the same feed
    assert service.count_changes(development) == 0


def test_a_workflow_made_in_development_is_a_change_and_applying_makes_its_campaign_in_production(
    development, production
):
    body = {
        "name": "Receipt",
        "steps": [{"template": {"type": "email", "subject": "Paid", "content": "<p>{{sum}}</p>"}}],
    }
    made = create_workflow(development, CreateWorkflowRequest.model_validate(body))
    (change,) = pending(development)
    assert (change["type"], change["_entityId"]) == ("NotificationTemplate", made.id)

    apply_change(development, change["_id"])

    (promoted,) = CampaignsRepository().all(production.environment_id)
    assert (promoted["identifier"], promoted["name"]) == (made.triggers[0].identifier, "Receipt")
    (source,) = CampaignsRepository().all(development.environment_id)
    assert source.get("handlebars") and source.get("notificationGroupId")  # what development keeps to itself
    assert not promoted.get("handlebars") and not promoted.get("notificationGroupId")
