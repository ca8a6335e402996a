"""Layouts on the wire, in Novu v1's shapes: the HTML that wraps an email step's body through its placeholder."""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from clarion.models import Model, Name, Request
from clarion.templates.wrap import content_problem

MAX_VARIABLES = 100
MAX_LAYOUTS_PER_PAGE = 1000  # Novu v1's limit
LayoutIdentifier = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f\s]+$")]


def _checked_content(content: str) -> str:
    problem = content_problem(content)
    if problem is not None:
        raise PydanticCustomError("layout_content", "{problem}", {"problem": problem})
    return content


LayoutContent = Annotated[
    str,
    AfterValidator(_checked_content),
    Field(description="HTML with the body placeholder `{{{body}}}` (or `{{ body }}`); a template like any content"),
]


class LayoutVariable(Request):
    """Novu's layout variable. Novu's Python SDK sends `_id` (null) and `default_value` (its own field name):
    `_id` is ignored, `default_value` read as `defaultValue`."""

    id: str | None = Field(default=None, alias="_id", exclude=True, description="Ignored: a variable is its name")
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    type: Literal["String", "Array", "Boolean"] = "String"
    defaultValue: Any = Field(
        default=None,
        validation_alias=AliasChoices("defaultValue", "default_value"),
        description="Used for `payload.<name>` when the payload has none",
    )
    required: bool = False


Variables = Annotated[list[LayoutVariable], Field(max_length=MAX_VARIABLES)]


class CreateLayoutRequest(Request):
    name: Name
    identifier: LayoutIdentifier | None = Field(
        default=None, description="Unique in the environment; a slug of `name` if absent"
    )
    description: str | None = Field(default=None, max_length=1000)
    content: LayoutContent
    variables: Variables | None = None
    isDefault: bool | None = Field(
        default=None, description="Make it the environment's default; the environment's first layout always is"
    )


class UpdateLayoutRequest(Request):
    """The fields to change; those absent (or null) keep their value."""

    name: Name | None = None
    identifier: LayoutIdentifier | None = None
    description: str | None = Field(default=None, max_length=1000)
    content: LayoutContent | None = None
    variables: Variables | None = None
    isDefault: bool | None = Field(
        default=None, description="`true` makes it the default; `false` on the default is a 409 (set another instead)"
    )


class Layout(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    organizationId: str = Field(alias="_organizationId")
    environmentId: str = Field(alias="_environmentId")
    creatorId: str = Field(alias="_creatorId")
    name: str
    identifier: str
    description: str | None = None
    channel: Literal["email"] = "email"
    content: str
    contentType: Literal["customHtml"] = "customHtml"
    variables: list[dict[str, Any]]
    isDefault: bool
    isDeleted: bool = Field(default=False, description="Always false: a deleted layout is gone")
    createdAt: str
    updatedAt: str
