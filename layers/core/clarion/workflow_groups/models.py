"""Workflow groups on the wire, as Novu v1's notification groups."""

from pydantic import ConfigDict, Field

from clarion.models import Model, Name, Request


class WorkflowGroupRequest(Request):
    """Create or rename a group."""

    name: Name


class WorkflowGroup(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    createdAt: str
    updatedAt: str


class DeletedWorkflowGroup(Model):
    acknowledged: bool = True
    status: str = Field(default="deleted", description="Always `deleted`")
