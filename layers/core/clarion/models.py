"""Pydantic building blocks shared by every domain's request and response models."""

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

T = TypeVar("T")
S = TypeVar("S")
S_co = TypeVar("S_co", covariant=True)

ObjectId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{24}$")]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$"),
]
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=r"^[A-Za-z0-9_-]+$")]
# an application's own key for something: one URL path segment of printable text
_PathKey = StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f/\\#\s]+$")
SubscriberId = Annotated[str, _PathKey]
"""An application's own id for a subscriber (Novu's subscriberId)."""
TopicKey = Annotated[str, _PathKey]
"""An application's own key for a topic."""
TransactionId = Annotated[str, _PathKey]
"""A trigger's transaction id: the caller's, or generated."""
TenantIdentifier = Annotated[str, _PathKey]
"""An application's own identifier for a tenant (Novu's tenant `identifier`)."""


def _iso_day(value: Any) -> Any:
    # pydantic would also take a number as a Unix time: `?from=1e-9` is 1970-01-01
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("not a yyyy-mm-dd day")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
"""A calendar day written yyyy-mm-dd (a query parameter)."""


class Model(BaseModel):
    """Every Clarion model: its validator and serializer are built when first used, not when its module is
    imported, so a function's cold start pays only for the models of the route it serves."""

    model_config = ConfigDict(defer_build=True)


class Request(Model):
    """A request body: unknown fields are refused, so a misspelt field is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Envelope(Model, Generic[T]):
    """Novu's `{"data": ...}` envelope."""

    data: T


class CursorPage(Model, Generic[T]):
    data: list[T]
    limit: int
    hasMore: bool
    nextCursor: str | None = Field(default=None, description="Pass as `cursor` to read the next page")


class NovuPage(Model, Generic[T]):
    """Novu v1's paged list: `page` counts from 0."""

    page: int
    totalCount: int
    pageSize: int
    hasMore: bool
    data: list[T]


def novu_page(items: Sequence[S], *, page: int, page_size: int, public: Callable[[S], T]) -> NovuPage[T]:
    """Page `page` of `items` (stored items, all read and in order: Novu's `totalCount` is their number), each shown
    as `public`."""
    shown = items[page * page_size : (page + 1) * page_size]
    return NovuPage(
        page=page,
        pageSize=page_size,
        totalCount=len(items),
        hasMore=len(items) > (page + 1) * page_size,
        data=[public(item) for item in shown],
    )


class CountedListing(Protocol[S_co]):
    """Stored items of an environment read a page at a time by offset, and counted as they are written: a
    repository's listing of one kind of item."""

    def list_page(self, environment_id: str, *, offset: int, limit: int) -> tuple[Sequence[S_co], bool]: ...

    def count(self, environment_id: str) -> int: ...


def counted_page(
    listing: CountedListing[S], environment_id: str, *, page: int, limit: int, public: Callable[[S], T]
) -> NovuPage[T]:
    """Page `page` of `limit` items of a listing, each shown as `public`, with the listing's count as Novu's
    `totalCount` (only that page is read)."""
    items, has_more = listing.list_page(environment_id, offset=page * limit, limit=limit)
    return NovuPage(
        page=page,
        pageSize=limit,
        totalCount=listing.count(environment_id),
        hasMore=has_more,
        data=[public(item) for item in items],
    )
