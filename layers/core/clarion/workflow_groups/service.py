"""What can be done with workflow groups. Every environment has a default group, "General", which holds the
campaigns no group was given for: it is stored the first time anything asks for it, and is never deleted."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from clarion.clock import timestamp_now
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.campaigns import GuardedOp
from clarion.store.workflow_groups import WorkflowGroupsRepository
from clarion.workflow_groups.models import DeletedWorkflowGroup, WorkflowGroup, WorkflowGroupRequest

if TYPE_CHECKING:
    from clarion.store import entities

DEFAULT_GROUP_NAME = "General"
_FIELDS = [field.alias or name for name, field in WorkflowGroup.model_fields.items()]


def default_group_id(environment_id: str) -> str:
    """The environment's default group's id: derived from the environment, so naming it needs no read."""
    return hashlib.sha256(f"default-workflow-group:{environment_id}".encode()).hexdigest()[:24]


def create_group(caller: Principal, request: WorkflowGroupRequest) -> WorkflowGroup:
    group = _new_group(caller.environment_id, new_id(), request.name)
    WorkflowGroupsRepository().create(caller.environment_id, group)
    return public_group(group)


def list_groups(caller: Principal) -> list[WorkflowGroup]:
    """Every group of the environment: the default one first, then oldest first."""
    groups = WorkflowGroupsRepository().all(caller.environment_id)
    default_id = default_group_id(caller.environment_id)
    if not any(group["_id"] == default_id for group in groups):
        groups.append(ensure_default_group(caller.environment_id))
    groups.sort(key=lambda group: (group["_id"] != default_id, group["createdAt"], group["_id"]))
    return [public_group(group) for group in groups]


def get_group(caller: Principal, group_id: str) -> WorkflowGroup:
    return public_group(existing_group(caller.environment_id, group_id))


def rename_group(caller: Principal, group_id: str, request: WorkflowGroupRequest) -> WorkflowGroup:
    existing_group(caller.environment_id, group_id)
    renamed = WorkflowGroupsRepository().rename(caller.environment_id, group_id, request.name, timestamp_now())
    if renamed is None:
        raise _not_found(group_id)
    return public_group(renamed)


def delete_group(caller: Principal, group_id: str) -> DeletedWorkflowGroup:
    """Deletes a group no workflow belongs to; the default group, or one that still has workflows, is a 409."""
    repository = WorkflowGroupsRepository()
    if group_id == default_group_id(caller.environment_id):
        raise Conflict("the default workflow group cannot be deleted", field="id", value=group_id)
    if repository.get(caller.environment_id, group_id) is None:
        raise _not_found(group_id)
    if not repository.delete_unused(caller.environment_id, group_id):
        if repository.get(caller.environment_id, group_id) is None:  # deleted meanwhile
            raise _not_found(group_id)
        raise Conflict("the workflow group still has workflows: move or delete them first", field="id", value=group_id)
    return DeletedWorkflowGroup()


def group_for_workflow(environment_id: str, group_id: str | None) -> str:
    """The group a workflow joins: the one named, which must exist (else a 422 naming `notificationGroupId`), or
    the default group."""
    if group_id is None or group_id == default_group_id(environment_id):
        return ensure_default_group(environment_id)["_id"]
    if WorkflowGroupsRepository().get(environment_id, group_id) is None:
        raise ValidationFailed(f"workflow group '{group_id}' not found", field="notificationGroupId", value=group_id)
    return group_id


def membership_op(environment_id: str, group_id: str, delta: int) -> GuardedOp:
    """A campaign's transaction operation joining (+1) or leaving (-1) a group, with the error raised when the
    group no longer exists (deleted meanwhile)."""
    refusal = Conflict(f"workflow group '{group_id}' was deleted meanwhile", field="notificationGroupId")
    return WorkflowGroupsRepository().membership_op(environment_id, group_id, delta), refusal


def ensure_default_group(environment_id: str) -> entities.WorkflowGroup:
    repository = WorkflowGroupsRepository()
    group_id = default_group_id(environment_id)
    group = repository.get(environment_id, group_id)
    if group is None:
        group = _new_group(environment_id, group_id, DEFAULT_GROUP_NAME)
        if not repository.create(environment_id, group):  # another request created it meanwhile
            group = repository.get(environment_id, group_id) or group
    return group


def existing_group(environment_id: str, group_id: str) -> entities.WorkflowGroup:
    """A group of the environment (the default one is created if it was never stored); else a 404."""
    if group_id == default_group_id(environment_id):
        return ensure_default_group(environment_id)
    group = WorkflowGroupsRepository().get(environment_id, group_id)
    if group is None:
        raise _not_found(group_id)
    return group


def public_group(group: entities.WorkflowGroup) -> WorkflowGroup:
    return WorkflowGroup.model_validate({name: group.get(name) for name in _FIELDS})


def _new_group(environment_id: str, group_id: str, name: str) -> entities.WorkflowGroup:
    now = timestamp_now()
    return {
        "_id": group_id,
        "_environmentId": environment_id,
        "_organizationId": settings().organization_id,
        "name": name,
        "workflowCount": 0,
        "createdAt": now,
        "updatedAt": now,
    }


def _not_found(group_id: str) -> NotFound:
    return NotFound(f"workflow group '{group_id}' not found", field="id", value=group_id)
