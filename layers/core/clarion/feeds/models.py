"""Feeds on the wire, in Novu's shape."""

from pydantic import ConfigDict, Field

from clarion.models import Model, Name, Request


class CreateFeedRequest(Request):
    name: Name = Field(description="The feed's name, also its identifier (unique in the environment)")


class Feed(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    identifier: str
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    deleted: bool = False
    createdAt: str
    updatedAt: str
