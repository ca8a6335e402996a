"""Changes on the wire, in Novu v1's shape."""

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from clarion.changes.entity_types import EntityType
from clarion.models import Model, ObjectId, Request

MAX_CHANGES_PER_PAGE = 100  # Novu's limit


class ChangeDetail(Model):
    """One field of the entity, as Novu's diff spells it (`op`, `path`, `val`)."""

    op: Literal["add", "update", "delete"]
    path: list[str]
    val: Any = None


class Change(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    creatorId: str = Field(alias="_creatorId", description="The client whose write opened the change")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    entityId: str = Field(alias="_entityId", description="The layout's or campaign's `_id` in this environment")
    parentId: str | None = Field(default=None, alias="_parentId", description="Always null: no change has a parent")
    enabled: bool = Field(description="Whether the change has been applied (promoted)")
    type: EntityType
    change: list[ChangeDetail] = Field(description="The fields the change sets, with their values")
    templateName: str = Field(description="The layout's or campaign's name")
    templateId: str
    createdAt: str
    updatedAt: str
    appliedAt: str | None = None


class BulkApplyRequest(Request):
    changeIds: list[ObjectId] = Field(min_length=1, max_length=100, description="The changes to apply, oldest first")


PromotedFilter = Annotated[Literal["true", "false"], Field(description="`true`: applied changes; `false`: pending")]
