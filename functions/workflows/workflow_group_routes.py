"""/v1/notification-groups (Novu v1's workflow groups): the groups workflows belong to."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId
from clarion.workflow_groups import service
from clarion.workflow_groups.models import DeletedWorkflowGroup, WorkflowGroup, WorkflowGroupRequest

router = APIGatewayHttpRouter()
GroupId = Annotated[ObjectId, Path(description="The workflow group's id")]
GROUPS = "/v1/notification-groups"


@endpoint(
    router,
    f"POST {GROUPS}",
    scope="create:workflow_group",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a workflow group",
)
def create_group(body: WorkflowGroupRequest) -> Envelope[WorkflowGroup]:
    """Creates a group to file workflows under (Novu's notification group); workflows join one with
    `notificationGroupId`."""
    return Envelope(data=service.create_group(caller(router), body))


@endpoint(
    router,
    f"GET {GROUPS}",
    scope="list:workflow_group",
    rate=RouteClass.GLOBAL,
    summary="List the workflow groups, the default one first",
)
def list_groups() -> Envelope[list[WorkflowGroup]]:
    """Every group of the environment, the default group `General` first (created the first time anything asks for
    it)."""
    return Envelope(data=service.list_groups(caller(router)))


@endpoint(
    router, f"GET {GROUPS}/{{id}}", scope="info:workflow_group", rate=RouteClass.GLOBAL, summary="Get a workflow group"
)
def get_group(id: GroupId) -> Envelope[WorkflowGroup]:
    """One workflow group. An unknown id, or another environment's group, is a 404."""
    return Envelope(data=service.get_group(caller(router), id))


@endpoint(
    router,
    f"PATCH {GROUPS}/{{id}}",
    scope="update:workflow_group",
    rate=RouteClass.CONFIGURATION,
    summary="Rename a workflow group",
)
def rename_group(id: GroupId, body: WorkflowGroupRequest) -> Envelope[WorkflowGroup]:
    """Changes the group's `name`; its workflows stay in it. An unknown group is a 404."""
    return Envelope(data=service.rename_group(caller(router), id, body))


@endpoint(
    router,
    f"DELETE {GROUPS}/{{id}}",
    scope="delete:workflow_group",
    rate=RouteClass.CONFIGURATION,
    summary="Delete a workflow group that has no workflows (the default group stays)",
)
def delete_group(id: GroupId) -> Envelope[DeletedWorkflowGroup]:
    """Deletes an empty group and answers Novu's `{acknowledged: true, status: "deleted"}`. The default group, or a
    group that still has workflows, is a 409 naming `id`."""
    return Envelope(data=service.delete_group(caller(router), id))
