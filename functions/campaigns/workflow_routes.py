"""/v1/workflows and its former name /v1/notification-templates (Novu v1): campaigns in Novu's workflow shape."""

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
    return Envelope(data=workflows.create_workflow(caller(router), body))


@endpoint(router, f"GET {WORKFLOWS}", scope="list:campaign", rate=RouteClass.GLOBAL, summary="List workflows")
@endpoint(router, f"GET {TEMPLATES}", scope="list:campaign", rate=RouteClass.GLOBAL, summary="List workflows")
def list_workflows(page: PageNumber = 0, limit: WorkflowLimit = 10, query: WorkflowQuery = None) -> NovuPage[Workflow]:
    return workflows.list_workflows(caller(router), page=page, limit=limit, query=query)


@endpoint(
    router,
    f"GET {WORKFLOWS}/variables",
    scope="list:campaign",
    rate=RouteClass.GLOBAL,
    summary="The variables templates can read besides the payload",
)
def workflow_variables() -> Envelope[WorkflowVariables]:
    return Envelope(data=workflows.workflow_variables())


@endpoint(
    router, f"GET {WORKFLOWS}/{{templateId}}", scope="info:campaign", rate=RouteClass.GLOBAL, summary="Get a workflow"
)
@endpoint(
    router, f"GET {TEMPLATES}/{{templateId}}", scope="info:campaign", rate=RouteClass.GLOBAL, summary="Get a workflow"
)
def get_workflow(templateId: WorkflowIdOrIdentifier) -> Envelope[Workflow]:
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
    return Envelope(data=workflows.set_workflow_status(caller(router), templateId, body.active))
