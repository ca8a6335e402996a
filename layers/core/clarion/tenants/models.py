"""Tenants and workflow overrides on the wire, in Novu v1's shapes."""

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from pydantic import ConfigDict, Field, TypeAdapter, ValidatorFunctionWrapHandler, WrapValidator

from clarion.models import Model, Name, ObjectId, Request, TenantIdentifier
from clarion.subscribers.validation import CustomData

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10  # Novu's default page of tenants and of workflow overrides


class CreateTenantRequest(Request):
    identifier: TenantIdentifier = Field(description="Your application's unique identifier for the tenant")
    name: Name
    data: CustomData | None = Field(default=None, description="Custom JSON object, at most 16 KB")


class UpdateTenantRequest(Request):
    """The fields given replace the stored ones; absent or null ones are kept, as Novu does."""

    identifier: TenantIdentifier | None = Field(default=None, description="A new identifier (unique)")
    name: Name | None = None
    data: CustomData | None = Field(default=None, description="Replaces the whole data object")


class TriggerTenant(Model):
    """A trigger's tenant given in full: created when new, its name and data updated when they differ. Other keys
    are ignored, as Novu ignores them."""

    identifier: TenantIdentifier
    name: Name | None = None
    data: CustomData | None = None


@cache
def _identifier() -> TypeAdapter[str]:
    return TypeAdapter(TenantIdentifier)


def _tenant_given(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # each form validated as itself, so errors name `tenant` or `tenant.identifier`, not a member of the union
    if isinstance(value, Mapping):
        return TriggerTenant.model_validate(value)
    if isinstance(value, str):
        return _identifier().validate_python(value)
    return handler(value)


TenantGiven = Annotated[TenantIdentifier | TriggerTenant, WrapValidator(_tenant_given)]
"""A trigger's `tenant`: an identifier, or {identifier, name, data}."""


class _NovuIds(Model):
    """Novu's `_id`-style names on the wire, plain names in Python."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Tenant(_NovuIds):
    id: str = Field(alias="_id")
    identifier: str
    name: str | None = None
    data: dict[str, Any] | None = None
    environmentId: str = Field(alias="_environmentId")
    createdAt: str
    updatedAt: str


class PreferenceChannels(Request):
    """Novu's preferenceSettings: each channel on or off for the tenant's triggers of the workflow."""

    email: bool | None = None
    sms: bool | None = None
    in_app: bool | None = None
    chat: bool | None = None
    push: bool | None = None

    def given(self) -> dict[str, bool]:
        return self.model_dump(exclude_none=True)


class CreateWorkflowOverrideRequest(Request):
    workflowId: ObjectId = Field(description="The workflow's (campaign's) `_id`")
    tenantId: ObjectId = Field(description="The tenant's `_id`")
    active: bool = Field(default=True, description="false: the workflow sends nothing for the tenant's triggers")
    preferenceSettings: PreferenceChannels | None = Field(
        default=None, description="Channels turned on or off for the tenant's triggers (unset ones: on)"
    )


class UpdateWorkflowOverrideRequest(Request):
    active: bool | None = None
    preferenceSettings: PreferenceChannels | None = Field(
        default=None, description="Merged over the stored settings: unset channels keep theirs"
    )


class WorkflowOverride(_NovuIds):
    id: str = Field(alias="_id")
    organizationId: str = Field(alias="_organizationId")
    environmentId: str = Field(alias="_environmentId")
    workflowId: str = Field(alias="_workflowId")
    tenantId: str = Field(alias="_tenantId")
    active: bool
    preferenceSettings: dict[str, bool]
    deleted: bool = False
    createdAt: str
    updatedAt: str
