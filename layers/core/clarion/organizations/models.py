"""The organization on the wire, in Novu's shape."""

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from clarion.models import Model, Name, Request

_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg")


def _image_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("must be an https URL")
    if not parts.path.lower().endswith(_IMAGE_EXTENSIONS):
        raise ValueError(f"must be an image URL ending in one of {', '.join(_IMAGE_EXTENSIONS)}")
    return value


HexColor = Annotated[
    str, StringConstraints(pattern=r"^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$")
]
LogoUrl = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_image_url)]


class RenameOrganizationRequest(Request):
    name: Name


class Branding(Request):
    """Novu's branding; PUT replaces it whole, so a field absent or null is cleared."""

    logo: LogoUrl | None = Field(default=None, description="https URL of a png, jpg, jpeg, gif or svg image")
    color: HexColor | None = Field(default=None, description="Hex colour, e.g. #3366ff")
    fontColor: HexColor | None = None
    contentBackground: HexColor | None = None
    fontFamily: Name | None = None
    direction: Literal["ltr", "trl"] | None = Field(
        default=None, description="Text direction, as Novu spells it: ltr, or trl (right to left)"
    )


class Organization(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    logo: str | None = None
    branding: Branding
    partnerConfigurations: list[dict[str, str]] = Field(
        default_factory=list, description="Novu's partner integrations (Vercel): none in Clarion"
    )
    updatedAt: str | None = None


class OrganizationName(Model):
    name: str


class UpdateMemberRolesRequest(Request):
    role: Literal["admin"] = Field(description="Novu assigns only the admin role")


class Member(Model):
    """Novu's organization member: a person who signs in. Clarion has none (see docs/api.md)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    userId: str = Field(alias="_userId")
    organizationId: str = Field(alias="_organizationId")
    roles: list[str]
    memberStatus: str
