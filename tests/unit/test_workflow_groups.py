"""Workflow groups (clarion.workflow_groups.service) on the in-memory store: the default group every environment
has, create, rename and delete, and a group that still has workflows kept."""

import pytest

from clarion.campaigns import service as campaigns
from clarion.campaigns import workflows
from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.workflow_models import CreateWorkflowRequest
from clarion.errors import Conflict, NotFound
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.store.workflow_groups import WorkflowGroupsRepository
from clarion.workflow_groups import service
from clarion.workflow_groups.models import WorkflowGroupRequest

SMS_STEP = {"template": {"type": "sms", "content": "hi"}}


@pytest.fixture
def caller(memory_tables) -> Principal:
    return Principal(new_id(), new_id(), frozenset())


def named(name: str) -> WorkflowGroupRequest:
    return WorkflowGroupRequest(name=name)


def test_an_environment_lists_its_default_group_first_before_anything_created_it(caller):
    assert [(g.id, g.name) for g in service.list_groups(caller)] == [
        (service.default_group_id(caller.environment_id), "General")
    ]
    news = service.create_group(caller, named("News"))
    listed = service.list_groups(caller)
    assert [g.name for g in listed] == ["General", "News"] and listed[1] == news
    assert len(WorkflowGroupsRepository().all(caller.environment_id)) == 2  # the default one stored once


def test_a_group_reads_back_renamed_and_is_gone_once_deleted(caller):
    news = service.create_group(caller, named("News"))
    assert service.get_group(caller, news.id) == news
    renamed = service.rename_group(caller, news.id, named("Updates"))
    assert (renamed.name, service.get_group(caller, news.id).name) == ("Updates", "Updates")
    assert service.delete_group(caller, news.id).acknowledged
    for act in (
        lambda: service.get_group(caller, news.id),
        lambda: service.delete_group(caller, news.id),
        lambda: service.rename_group(caller, news.id, named("x")),
    ):
        with pytest.raises(NotFound):
            act()


def test_a_group_with_workflows_is_kept_until_they_are_deleted(caller):
    news = service.create_group(caller, named("News"))
    body = {"name": "Digest", "notificationGroupId": news.id, "steps": [SMS_STEP]}
    workflow = workflows.create_workflow(caller, CreateWorkflowRequest.model_validate(body))
    with pytest.raises(Conflict) as refused:
        service.delete_group(caller, news.id)
    assert refused.value.field == "id"
    assert service.get_group(caller, news.id).name == "News"
    workflows.delete_workflow(caller, workflow.id)
    assert service.delete_group(caller, news.id).status == "deleted"


def test_the_default_group_is_never_deleted(caller):
    with pytest.raises(Conflict):
        service.delete_group(caller, service.default_group_id(caller.environment_id))
    assert service.get_group(caller, service.default_group_id(caller.environment_id)).name == "General"


def test_another_environments_group_is_not_found_nor_joinable(caller):
    news = service.create_group(caller, named("News"))
    stranger = Principal(new_id(), new_id(), frozenset())
    for act in (
        lambda: service.get_group(stranger, news.id),
        lambda: service.rename_group(stranger, news.id, named("x")),
        lambda: service.delete_group(stranger, news.id),
    ):
        with pytest.raises(NotFound):
            act()
    assert [g.name for g in service.list_groups(stranger)] == ["General"]
    assert service.default_group_id(stranger.environment_id) != service.default_group_id(caller.environment_id)
    assert service.get_group(caller, news.id).name == "News"


def test_the_count_not_a_prior_read_keeps_a_group_with_workflows(caller):
    news = service.create_group(caller, named("News"))
    body = {"name": "Digest", "notificationGroupId": news.id, "steps": [SMS_STEP]}
    workflows.create_workflow(caller, CreateWorkflowRequest.model_validate(body))
    assert WorkflowGroupsRepository().delete_unused(caller.environment_id, news.id) is False
    assert service.get_group(caller, news.id).name == "News"


def test_a_workflow_joining_a_group_deleted_meanwhile_is_not_stored(caller):
    gone = service.create_group(caller, named("Gone"))
    service.delete_group(caller, gone.id)
    request = CreateCampaignRequest.model_validate(
        {"name": "Late", "steps": [{"channel": "sms", "content": {"body": "x"}}]}
    )
    with pytest.raises(Conflict) as refused:
        campaigns.store_new_campaign(
            caller,
            request,
            {"notificationGroupId": gone.id},
            [service.membership_op(caller.environment_id, gone.id, +1)],
        )
    assert refused.value.field == "notificationGroupId"
    assert CampaignsRepository().all(caller.environment_id) == []
    assert WorkflowGroupsRepository().get(caller.environment_id, gone.id) is None
