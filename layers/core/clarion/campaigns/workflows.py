"""Novu v1 workflows: campaigns read and written in Novu's shape. A workflow IS its campaign (the same item): its
`_id` is the campaign's, `triggers[0].identifier` the campaign's identifier, `active` its status being `active`; the
Novu-only fields (`tags`, `data`, the group) are attributes of the campaign item."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from clarion.campaigns import service
from clarion.campaigns.models import CreateCampaignRequest, UpdateCampaignRequest
from clarion.campaigns.variables import novu_trigger
from clarion.campaigns.workflow_models import (
    CreateWorkflowRequest,
    UpdateWorkflowRequest,
    Workflow,
    WorkflowStep,
    WorkflowVariables,
)
from clarion.campaigns.workflow_steps import campaign_step, workflow_field, workflow_steps
from clarion.campaigns.workflow_templates import shown_steps, written_steps
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.models import NovuPage
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.templates.render import SUBSCRIBER_VARIABLES
from clarion.workflow_groups.service import default_group_id, group_for_workflow, membership_op

if TYPE_CHECKING:
    from clarion.store import entities

ACTIVE = "active"
M = TypeVar("M", bound=BaseModel)
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
_PERSON = {name: "object" if name == "data" else "string" for name in SUBSCRIBER_VARIABLES}
SYSTEM_VARIABLES: dict[str, dict[str, str]] = {
    "subscriber": _PERSON,
    "actor": _PERSON,
    "step": {"digest": "boolean", "events": "array", "total_count": "number"},
    "tenant": {"identifier": "string", "name": "string", "data": "object"},
    "campaign": {"name": "string", "identifier": "string"},
}
"""What templates read besides `payload` (clarion.templates.render.template_variables), with Novu's type names."""


def create_workflow(caller: Principal, request: CreateWorkflowRequest) -> Workflow:
    """A new campaign, in the group named (or the default one), its identifier a slug of the name (with a suffix
    when another campaign has it, as Novu does); active only when `active` is true."""
    environment_id = caller.environment_id
    group_id = group_for_workflow(environment_id, request.notificationGroupId)
    fields: dict[str, Any] = {
        "name": request.name,
        "identifier": _free_identifier(environment_id, request.name),
        "description": request.description,
        "status": ACTIVE if request.active else "draft",
        "critical": bool(request.critical),
    }
    fields["steps"], sources = _campaign_steps(request.steps)
    if request.preferenceSettings is not None:
        fields["preferenceSettings"] = request.preferenceSettings.model_dump()
    extra = {"notificationGroupId": group_id, "tags": request.tags or [], "data": request.data, "handlebars": sources}
    also = [membership_op(environment_id, group_id, +1)]
    with _named_as_workflow():
        try:
            campaign = service.store_new_campaign(caller, _campaign_request(CreateCampaignRequest, fields), extra, also)
        except Conflict as taken:  # another request took the slug since it was read: suffixed, as when it was taken
            if taken.field != "identifier":
                raise
            fields["identifier"] = _suffixed(fields["identifier"])
            campaign = service.store_new_campaign(caller, _campaign_request(CreateCampaignRequest, fields), extra, also)
    return workflow_of(campaign, environment_id)


def list_workflows(caller: Principal, *, page: int, limit: int, query: str | None) -> NovuPage[Workflow]:
    """Novu's offset page of the environment's campaigns, newest first; `query` keeps those whose name or
    identifier holds it (any case)."""
    campaigns = CampaignsRepository().all(caller.environment_id)
    if query:
        wanted = query.lower()
        campaigns = [c for c in campaigns if wanted in c["name"].lower() or wanted in c["identifier"].lower()]
    campaigns.sort(key=lambda campaign: (campaign["createdAt"], campaign["_id"]), reverse=True)
    shown = campaigns[page * limit : (page + 1) * limit]
    return NovuPage(
        page=page,
        pageSize=limit,
        totalCount=len(campaigns),
        hasMore=len(campaigns) > (page + 1) * limit,
        data=[workflow_of(campaign, caller.environment_id) for campaign in shown],
    )


def get_workflow(caller: Principal, id_or_identifier: str) -> Workflow:
    """By the campaign's id or its trigger identifier, as Novu's GET takes either."""
    repository, environment_id = CampaignsRepository(), caller.environment_id
    campaign = repository.get(environment_id, id_or_identifier) if _OBJECT_ID.match(id_or_identifier) else None
    campaign = campaign or repository.find_by_identifier(environment_id, id_or_identifier)
    if campaign is None:
        raise NotFound(f"workflow '{id_or_identifier}' not found", field="templateId", value=id_or_identifier)
    return workflow_of(campaign, environment_id)


def update_workflow(caller: Principal, workflow_id: str, request: UpdateWorkflowRequest) -> Workflow:
    """Changes the fields given; `steps` replace the campaign's steps; a new group moves the workflow there."""
    environment_id = caller.environment_id
    campaign = _existing(caller, workflow_id)
    extra: dict[str, Any] = {name: value for name in ("tags", "data") if (value := getattr(request, name)) is not None}
    also = []
    current_group = campaign.get("notificationGroupId") or default_group_id(environment_id)
    if request.notificationGroupId is not None and request.notificationGroupId != current_group:
        extra["notificationGroupId"] = group_for_workflow(environment_id, request.notificationGroupId)
        also.append(membership_op(environment_id, extra["notificationGroupId"], +1))
        if "notificationGroupId" in campaign:  # a campaign created as one has no group stored: it is not counted
            also.append(membership_op(environment_id, current_group, -1))
    fields = request.model_dump(include={"name", "identifier", "description", "critical"}, exclude_none=True)
    if request.preferenceSettings is not None:
        fields["preferenceSettings"] = request.preferenceSettings.model_dump()
    if request.steps is not None:
        fields["steps"], extra["handlebars"] = _campaign_steps(request.steps)
    with _named_as_workflow():
        changed = service.store_campaign_changes(
            caller, campaign, _campaign_request(UpdateCampaignRequest, fields), extra, also
        )
    return workflow_of(changed, environment_id)


def delete_workflow(caller: Principal, workflow_id: str) -> bool:
    """Deletes the campaign; its past notifications and messages stay, and its identifier is free again."""
    campaign = _existing(caller, workflow_id)
    group_id = campaign.get("notificationGroupId")
    service.delete_campaign(caller, campaign, [membership_op(caller.environment_id, group_id, -1)] if group_id else [])
    return True


def set_workflow_status(caller: Principal, workflow_id: str, active: bool) -> Workflow:
    """Active: the campaign starts (triggers send); inactive: it stops (triggers answer `trigger_not_active`, and
    its queued messages are cancelled). The status it has already is a 422, as Novu refuses it (with a 400)."""
    campaign = _existing(caller, workflow_id)
    if (campaign["status"] == ACTIVE) == active:
        state = "active" if active else "inactive"
        raise ValidationFailed(f"the workflow is already {state}: give the other status", field="active", value=active)
    from clarion.campaigns.operations import start_campaign, stop_campaign  # noqa: PLC0415 - the trigger engine

    (start_campaign if active else stop_campaign)(caller, workflow_id)
    return workflow_of(_existing(caller, workflow_id), caller.environment_id)


def workflow_variables() -> WorkflowVariables:
    return WorkflowVariables(translations={}, system=SYSTEM_VARIABLES)


def workflow_of(campaign: entities.Campaign, environment_id: str) -> Workflow:
    """The campaign as Novu's workflow; a campaign without a group belongs to the environment's default one."""
    active = campaign["status"] == ACTIVE
    return Workflow.model_validate(
        {
            "_id": campaign["_id"],
            "name": campaign["name"],
            "description": campaign.get("description"),
            "active": active,
            "draft": not active,
            "critical": campaign["critical"],
            "tags": campaign.get("tags") or [],
            "preferenceSettings": campaign["preferenceSettings"],
            "steps": workflow_steps(campaign["_id"], shown_steps(campaign["steps"], campaign.get("handlebars"))),
            "triggers": [novu_trigger(campaign)],
            "_notificationGroupId": campaign.get("notificationGroupId") or default_group_id(environment_id),
            "_environmentId": environment_id,
            "_organizationId": settings().organization_id,
            "_creatorId": campaign["createdBy"],
            "data": campaign.get("data"),
            "createdAt": campaign["createdAt"],
            "updatedAt": campaign["updatedAt"],
        }
    )


def _existing(caller: Principal, workflow_id: str) -> entities.Campaign:
    campaign = CampaignsRepository().get(caller.environment_id, workflow_id)
    if campaign is None:
        raise NotFound(f"workflow '{workflow_id}' not found", field="templateId", value=workflow_id)
    return campaign


def _campaign_steps(steps: list[WorkflowStep]) -> tuple[list[dict[str, Any]], list[Any]]:
    """The campaign's steps, their Handlebars translated into Jinja, and each step's Handlebars content."""
    return written_steps([campaign_step(step) for step in steps])


def _campaign_request(model: type[M], fields: dict[str, Any]) -> M:
    """The campaign request the workflow's fields make; a refusal names the workflow's field, not the campaign's."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        problem = error.errors()[0]
        field = workflow_field(problem["loc"])
        raise ValidationFailed(f"{field}: {problem['msg']}", field=field, value=problem.get("input")) from error


@contextmanager
def _named_as_workflow() -> Iterator[None]:
    """A campaign step's refusal (`steps[0].layoutId`) names the workflow's field (`steps[0].template.layoutId`)."""
    try:
        yield
    except ValidationFailed as error:
        step_field = re.fullmatch(r"steps\[(\d+)\]\.(.+)", error.field or "")
        if step_field is None:
            raise
        field = workflow_field(("steps", int(step_field[1]), *step_field[2].split(".")))
        raise ValidationFailed(
            error.message.replace(error.field or "", field), field=field, value=error.value
        ) from error


def _free_identifier(environment_id: str, name: str) -> str:
    """A slug of the name; when a campaign has it already, the slug and 6 random hex digits (Novu adds a shortid)."""
    try:
        slug = service.identifier_from_name(name)
    except ValidationFailed as error:
        raise ValidationFailed(
            "the name has no letters or digits to make the trigger identifier of", field="name"
        ) from error
    return slug if CampaignsRepository().find_by_identifier(environment_id, slug) is None else _suffixed(slug)


def _suffixed(slug: str) -> str:
    return f"{slug[:93]}-{os.urandom(3).hex()}"
