"""Lists on the wire: `{"data": ...}` envelopes, Novu-style page/limit paging."""

from pydantic import ConfigDict, Field

from clarion.models import Model, Name, Request, SubscriberId

MAX_ITEMS_PER_CALL = 100
MAX_DESCRIPTION = 1000


class CreateListRequest(Request):
    name: Name
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)


class UpdateListRequest(Request):
    """The fields to change; those absent keep their value, and a null description clears it."""

    name: Name | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)


class ListItemsRequest(Request):
    subscriberIds: list[SubscriberId] = Field(
        min_length=1, max_length=MAX_ITEMS_PER_CALL, description="subscriberIds, at most 100 a call"
    )


class AudienceList(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    description: str | None = None
    subscriberCount: int = Field(description="How many profiles the list holds")
    createdAt: str
    updatedAt: str


class FailedItems(Model):
    notFound: list[str]


class ListItemsResult(Model):
    """Per item, as Novu's topic add answers: `failed` appears only when some subscriberIds were not changed
    (adding: no such subscriber; removing: not a member)."""

    succeeded: list[str]
    failed: FailedItems | None = Field(default=None, exclude_if=lambda failed: failed is None)


class ListItem(Model):
    subscriberId: str
    addedAt: str
