"""What can be done with lists and their members; independent of HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clarion.clock import timestamp_now
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.lists.models import AudienceList, FailedItems, ListItem, ListItemsResult, UpdateListRequest
from clarion.lists.repository import ListsRepository
from clarion.models import NovuPage, counted_page
from clarion.principal import Principal

if TYPE_CHECKING:
    from clarion.store import entities

_DELETE_ATTEMPTS = 3


def create_list(caller: Principal, name: str, description: str | None) -> AudienceList:
    now = timestamp_now()
    item: entities.AudienceList = {
        "_id": new_id(),
        "name": name,
        "subscriberCount": 0,
        "createdAt": now,
        "updatedAt": now,
    }
    if description is not None:
        item["description"] = description
    ListsRepository().create(caller.environment_id, item)
    return _view(item)


def list_lists(caller: Principal, *, page: int, limit: int) -> NovuPage[AudienceList]:
    return counted_page(ListsRepository(), caller.environment_id, page=page, limit=limit, public=_view)


def get_list(caller: Principal, list_id: str) -> AudienceList:
    return _view(existing_list(caller.environment_id, list_id))


def update_list(caller: Principal, list_id: str, request: UpdateListRequest) -> AudienceList:
    given = request.model_fields_set
    changes = {name: getattr(request, name) for name in given if name == "description" or getattr(request, name)}
    if not changes:
        raise ValidationFailed("give name or description to change", field="body")
    updated = ListsRepository().update(caller.environment_id, list_id, changes | {"updatedAt": timestamp_now()})
    if updated is None:
        raise _not_found(list_id)
    return _view(updated)


def delete_list(caller: Principal, list_id: str) -> None:
    """Removes every membership (both sides, 49 a transaction), then the list. Interrupted, the list is still there
    with fewer members, and deleting it again finishes the work."""
    repository = ListsRepository()
    existing_list(caller.environment_id, list_id)
    for _ in range(_DELETE_ATTEMPTS):
        repository.remove_every_member(caller.environment_id, list_id)
        if repository.delete_if_empty(caller.environment_id, list_id):
            return
        existing_list(caller.environment_id, list_id)  # deleted meanwhile: a 404; else a member joined: empty again
    raise Conflict("members kept joining the list while it was deleted; retry", field="listId", value=list_id)


def add_items(caller: Principal, list_id: str, subscriber_ids: list[str]) -> ListItemsResult:
    """Adds the subscribers that exist (members already are counted as added), and reports the unknown ones."""
    wanted = list(dict.fromkeys(subscriber_ids))
    existing_list(caller.environment_id, list_id)
    unknown = ListsRepository().add_members(caller.environment_id, list_id, wanted, timestamp_now())
    if unknown is None:
        raise _not_found(list_id)
    return _result([s for s in wanted if s not in unknown], [s for s in wanted if s in unknown])


def remove_items(caller: Principal, list_id: str, subscriber_ids: list[str]) -> ListItemsResult:
    """Removes those of the subscribers that are members, and reports the others as not found."""
    wanted = list(dict.fromkeys(subscriber_ids))
    existing_list(caller.environment_id, list_id)
    removed = set(ListsRepository().remove_members(caller.environment_id, list_id, wanted))
    return _result([s for s in wanted if s in removed], [s for s in wanted if s not in removed])


def list_items(caller: Principal, list_id: str, *, page: int, limit: int) -> NovuPage[ListItem]:
    audience_list = existing_list(caller.environment_id, list_id)
    members, has_more = ListsRepository().members_at(caller.environment_id, list_id, offset=page * limit, limit=limit)
    return NovuPage(
        page=page,
        pageSize=limit,
        totalCount=int(audience_list["subscriberCount"]),
        hasMore=has_more,
        data=[ListItem(subscriberId=member["subscriberId"], addedAt=member["addedAt"]) for member in members],
    )


def existing_list(environment_id: str, list_id: str) -> entities.AudienceList:
    """A list of the environment; another environment's list is as absent as a missing one."""
    found = ListsRepository().get(environment_id, list_id)
    if found is None:
        raise _not_found(list_id)
    return found


def _result(succeeded: list[str], failed: list[str]) -> ListItemsResult:
    return ListItemsResult(succeeded=succeeded, failed=FailedItems(notFound=failed) if failed else None)


def _not_found(list_id: str) -> NotFound:
    return NotFound(f"list '{list_id}' not found", field="listId", value=list_id)


def _view(item: entities.AudienceList) -> AudienceList:
    return AudienceList.model_validate(
        {name: item.get(name) for name in ("_id", "name", "description", "subscriberCount", "createdAt", "updatedAt")}
    )
