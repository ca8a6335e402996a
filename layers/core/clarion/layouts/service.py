"""What can be done with layouts: the rules (Novu v1's), independent of HTTP.

- The environment's first layout becomes its default; creating or updating with `isDefault: true` moves the default.
- There is always one default once a layout exists: unsetting it is a 409 (make another the default instead), and
  the default cannot be deleted; nor can a layout a campaign's step names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from clarion.changes.entity_types import LAYOUT
from clarion.changes.recording import record_change
from clarion.clock import timestamp_now
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.layouts.models import CreateLayoutRequest, Layout, UpdateLayoutRequest
from clarion.models import NovuPage, novu_page
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.store.layouts import LayoutsRepository

if TYPE_CHECKING:
    from clarion.store import entities

_LAYOUT_FIELDS = [field.alias or name for name, field in Layout.model_fields.items()]


def create_layout(caller: Principal, request: CreateLayoutRequest) -> Layout:
    # the campaigns' service brings their models (~130 ms of cold start) that no other layout route needs
    from clarion.campaigns.service import identifier_from_name  # noqa: PLC0415 - cold start

    repository = LayoutsRepository()
    current_default = repository.default_id(caller.environment_id)
    now = timestamp_now()
    layout: entities.Layout = {
        "_id": new_id(),
        "_organizationId": settings().organization_id,
        "_environmentId": caller.environment_id,
        "_creatorId": caller.client_id,
        "name": request.name,
        "identifier": request.identifier or identifier_from_name(request.name),
        "description": request.description,
        "content": request.content,
        "variables": _variables(request.variables),
        "isDefault": current_default is None or bool(request.isDefault),
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
    }
    repository.create(caller.environment_id, layout, replaces_default=current_default)
    record_change(caller, LAYOUT, None, layout)
    return _public(layout)


def list_layouts(caller: Principal, *, page: int, page_size: int, oldest_first: bool = False) -> NovuPage[Layout]:
    """Novu's offset page, newest first (or oldest first)."""
    layouts = sorted(LayoutsRepository().all(caller.environment_id), key=_created, reverse=not oldest_first)
    return novu_page(layouts, page=page, page_size=page_size, public=_public)


def get_layout(caller: Principal, layout_id: str) -> Layout:
    return _public(_existing(caller, layout_id))


def update_layout(caller: Principal, layout_id: str, request: UpdateLayoutRequest) -> Layout:
    if not request.model_fields_set:
        raise ValidationFailed("give at least one field to change", field="body")
    repository = LayoutsRepository()
    layout = _existing(caller, layout_id, repository)
    if request.isDefault is False and layout["isDefault"]:
        raise Conflict("one default layout is required: make another layout the default instead", field="isDefault")
    changes = request.model_dump(exclude_none=True, exclude={"variables", "isDefault"})
    if request.variables is not None:
        changes["variables"] = _variables(request.variables)
    if request.isDefault:
        changes["isDefault"] = True
    changes = {name: value for name, value in changes.items() if layout.get(name) != value}
    if not changes:
        return _public(layout)
    changed = _changed(layout, changes) | {"version": layout["version"] + 1, "updatedAt": timestamp_now()}
    current_default = repository.default_id(caller.environment_id) if changes.get("isDefault") else None
    repository.update(caller.environment_id, layout, changed, replaces_default=current_default)
    record_change(caller, LAYOUT, layout, changed)
    return _public(changed)


def set_default_layout(caller: Principal, layout_id: str) -> None:
    repository = LayoutsRepository()
    layout = _existing(caller, layout_id, repository)
    current_default = repository.default_id(caller.environment_id)
    if layout["isDefault"] and current_default == layout_id:
        return
    repository.set_default(caller.environment_id, layout_id, replaces_default=current_default)


def delete_layout(caller: Principal, layout_id: str) -> None:
    """Deletes a layout that is neither the default nor named by a campaign's step (409s, as in Novu)."""
    repository = LayoutsRepository()
    layout = _existing(caller, layout_id, repository)
    if layout["isDefault"]:
        raise Conflict(f"layout '{layout_id}' is the default layout and cannot be deleted", field="layoutId")
    users = [c["_id"] for c in CampaignsRepository().all(caller.environment_id) if _names_layout(c, layout_id)]
    if users:
        raise Conflict(
            f"layout '{layout_id}' is used by campaign(s) {', '.join(users[:10])} and cannot be deleted",
            field="layoutId",
        )
    repository.delete(caller.environment_id, layout)


def _names_layout(campaign: entities.Campaign, layout_id: str) -> bool:
    return any(step.get("layoutId") == layout_id for step in campaign.get("steps") or [])


def _variables(variables: list[Any] | None) -> list[dict[str, Any]]:
    return [variable.model_dump() for variable in variables or []]


def _created(layout: entities.Layout) -> tuple[str, str]:
    return layout["createdAt"], layout["_id"]


def _existing(caller: Principal, layout_id: str, repository: LayoutsRepository | None = None) -> entities.Layout:
    """A layout of the caller's environment; another environment's layout is as absent as a missing one."""
    layout = (repository or LayoutsRepository()).get(caller.environment_id, layout_id)
    if layout is None:
        raise NotFound(f"layout '{layout_id}' not found", field="layoutId")
    return layout


def _changed(layout: entities.Layout, changes: dict[str, Any]) -> entities.Layout:
    """The layout with a request's changes: attributes of UpdateLayoutRequest, named as the item names them."""
    return cast("entities.Layout", layout | changes)


def _public(item: Mapping[str, Any]) -> Layout:
    return Layout.model_validate({name: item[name] for name in _LAYOUT_FIELDS if item.get(name) is not None})
