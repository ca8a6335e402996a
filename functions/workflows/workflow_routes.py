"""/v1/workflows and its former name /v1/notification-templates (Novu v1): campaigns in Novu's workflow shape."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import StringConstraints

from clarion.api import PageNumber, caller, endpoint
from clarion.campaigns import workflows
from clarion.campaigns.workflow_models import (
    CreateWorkflowRequest,
    UpdateWorkflowRequest,
    Workflow,
    WorkflowStatusRequest,
    WorkflowVariables,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId, SubscriberId

router = APIGatewayHttpRouter()
WorkflowId = Annotated[ObjectId, Path(description="The workflow's (campaign's) id")]
WorkflowIdOrIdentifier = Annotated[SubscriberId, Path(description="The workflow's id or its trigger identifier")]
WorkflowLimit = Annotated[int, Query(ge=1, le=100, description="Workflows per page")]
WorkflowQuery = Annotated[
    Annotated[str, StringConstraints(max_length=100)] | None,
    Query(description="Only workflows whose name or trigger identifier holds this text (any case)"),
]
PATHS = ("/v1/workflows", "/v1/notification-templates")
WORKFLOWS, TEMPLATES = PATHS


@endpoint(
    router,
    f"POST {WORKFLOWS}",
    scope="create:campaign",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a workflow (a campaign)",
)
@endpoint(
    router,
    f"POST {TEMPLATES}",
    scope="create:campaign",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a workflow (Novu's former name: notification template)",
)
def create_workflow(body: CreateWorkflowRequest) -> Envelope[Workflow]:
    """Novu's workflow, stored as a campaign (its `_id`) triggered by `triggers[0].identifier`, a slug of the name. It
    is a draft unless `active` is true, joins the default group without `notificationGroupId`, and its steps' templates
    are Novu's Handlebars: what Clarion does not support (filters, variants, other helpers...) is a 422 naming the
    field, never dropped."""
    return Envelope(data=workflows.create_workflow(caller(router), body))


@endpoint(router, f"GET {WORKFLOWS}", scope="list:campaign", rate=RouteClass.GLOBAL, summary="List workflows")
@endpoint(router, f"GET {TEMPLATES}", scope="list:campaign", rate=RouteClass.GLOBAL, summary="List workflows")
def list_workflows(page: PageNumber = 0, limit: WorkflowLimit = 10, query: WorkflowQuery = None) -> NovuPage[Workflow]:
    """Novu's page (`page` from 0, `limit` 10 by default, at most 100), newest first, with `totalCount`; `query` keeps
    the workflows whose name or trigger identifier holds it, in any case. Campaigns created through `/v1/campaigns` are
    listed too."""
    return workflows.list_workflows(caller(router), page=page, limit=limit, query=query)


@endpoint(
    router,
    f"GET {WORKFLOWS}/variables",
    scope="list:campaign",
    rate=RouteClass.GLOBAL,
    summary="The variables templates can read besides the payload",
)
def workflow_variables() -> Envelope[WorkflowVariables]:
    """What step templates can read besides the payload, by type: `subscriber` and `actor` fields, the digest's `step`,
    the trigger's `tenant` and the `campaign`. `translations` is always empty."""
    return Envelope(data=workflows.workflow_variables())


@endpoint(
    router, f"GET {WORKFLOWS}/{{templateId}}", scope="info:campaign", rate=RouteClass.GLOBAL, summary="Get a workflow"
)
@endpoint(
    router, f"GET {TEMPLATES}/{{templateId}}", scope="info:campaign", rate=RouteClass.GLOBAL, summary="Get a workflow"
)
def get_workflow(templateId: WorkflowIdOrIdentifier) -> Envelope[Workflow]:
    """One workflow, found by its `_id` or by its trigger identifier; its steps read back in the Handlebars they were
    written in. An unknown one is a 404."""
    return Envelope(data=workflows.get_workflow(caller(router), templateId))


@endpoint(
    router,
    f"PUT {WORKFLOWS}/{{templateId}}",
    scope="update:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Update a workflow",
)
@endpoint(
    router,
    f"PUT {TEMPLATES}/{{templateId}}",
    scope="update:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Update a workflow",
)
def update_workflow(templateId: WorkflowId, body: UpdateWorkflowRequest) -> Envelope[Workflow]:
    """Changes the fields given (absent or null keep their value); `steps` replace the campaign's steps, a new
    `notificationGroupId` moves the workflow and `identifier` renames its trigger (a 409 when taken). `active` and
    `draft` are ignored here, as in Novu: use `PUT .../status`."""
    return Envelope(data=workflows.update_workflow(caller(router), templateId, body))


@endpoint(
    router,
    f"DELETE {WORKFLOWS}/{{templateId}}",
    scope="delete:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Delete a workflow (its campaign)",
)
@endpoint(
    router,
    f"DELETE {TEMPLATES}/{{templateId}}",
    scope="delete:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Delete a workflow (its campaign)",
)
def delete_workflow(templateId: WorkflowId) -> Envelope[bool]:
    """Deletes the campaign and frees its identifier; its notifications and messages stay. A trigger naming it
    afterwards is Novu's 422 `workflow_not_found`."""
    return Envelope(data=workflows.delete_workflow(caller(router), templateId))


@endpoint(
    router,
    f"PUT {WORKFLOWS}/{{templateId}}/status",
    scope="update:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Activate (start) or deactivate (stop) a workflow",
)
@endpoint(
    router,
    f"PUT {TEMPLATES}/{{templateId}}/status",
    scope="update:campaign",
    rate=RouteClass.CONFIGURATION,
    summary="Activate (start) or deactivate (stop) a workflow",
)
def set_workflow_status(templateId: WorkflowId, body: WorkflowStatusRequest) -> Envelope[Workflow]:
    """`active: true` starts the campaign, `false` stops it: its triggers then answer `trigger_not_active` and its
    queued messages are cancelled. Asking for the status it already has is a 422 naming `active`; a completed campaign
    is a 409."""
    return Envelope(data=workflows.set_workflow_status(caller(router), templateId, body.active))
