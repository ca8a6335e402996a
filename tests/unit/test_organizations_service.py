"""The organization (clarion.organizations) on the in-memory store, and its routes' validation: one organization per
stack, renamed and branded; PUT replaces the branding whole; no members."""

import json

import pytest

from clarion.errors import NotFound
from clarion.limits import ROUTE_CLASSES, RouteClass
from clarion.organizations import service
from clarion.organizations.models import Branding, RenameOrganizationRequest, UpdateMemberRolesRequest
from clarion.principal import Principal
from clarion.settings import settings
from tests.unit.conftest import call_route

OPERATOR = Principal(client_id="a" * 24, environment_id="e" * 24, scopes=frozenset())
LOGO = "https://cdn.example.com/brand/logo.svg"
PATHS = ("/v1/organizations", "/v1/environments/me", "/v1/environments/api-keys", "/v1/feeds", "/v1/changes")
"""The routes of Novu's organizations, current environment, api-keys, feeds and changes."""


@pytest.fixture
def tables(memory_tables):
    return memory_tables


def test_an_organization_never_changed_is_named_by_its_id_and_unbranded(tables):
    organization = service.get_organization()
    assert (organization.id, organization.name) == (settings().organization_id, settings().organization_id)
    assert organization.branding == Branding() and organization.logo is None


def test_a_rename_reads_back_and_keeps_the_branding(tables):
    service.set_branding(OPERATOR, Branding(color="#112233"))
    assert service.rename_organization(OPERATOR, RenameOrganizationRequest(name="Acme")).name == "Acme"
    organization = service.get_organization()
    assert (organization.name, organization.branding.color) == ("Acme", "#112233")


def test_branding_reads_back_and_a_later_put_replaces_it_whole(tables):
    service.rename_organization(OPERATOR, RenameOrganizationRequest(name="Acme"))
    service.set_branding(OPERATOR, Branding(logo=LOGO, color="#fff", fontFamily="Nunito", direction="trl"))
    first = service.get_organization()
    assert (first.name, first.logo, first.branding.fontFamily, first.branding.direction) == (
        "Acme",
        LOGO,
        "Nunito",
        "trl",
    )
    service.set_branding(OPERATOR, Branding(contentBackground="#00000080"))
    assert service.get_organization().branding == Branding(contentBackground="#00000080")


@pytest.mark.parametrize("colour", ["#abc", "#abcd", "#A0B1C2", "#a0b1c2d3"])
def test_every_hex_form_of_a_colour_is_accepted(tables, colour):
    service.set_branding(OPERATOR, Branding.model_validate({"color": colour, "fontColor": colour}))
    assert service.get_organization().branding.fontColor == colour


def test_the_organization_has_no_members_and_every_member_id_is_a_404(tables):
    assert service.list_members() == []
    for refused in (
        lambda: service.update_member_roles("f" * 24, UpdateMemberRolesRequest(role="admin")),
        lambda: service.remove_member("f" * 24),
    ):
        with pytest.raises(NotFound) as missing:
            refused()
        assert missing.value.field == "memberId"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"color": "blue"}, "color"),
        ({"fontColor": "#12345"}, "fontColor"),
        ({"contentBackground": "#gggggg"}, "contentBackground"),
        ({"logo": "http://cdn.example.com/logo.png"}, "logo"),
        ({"logo": "https://cdn.example.com/logo.pdf"}, "logo"),
        ({"logo": "not a url"}, "logo"),
        ({"direction": "up"}, "direction"),
        ({"fontFamily": ""}, "fontFamily"),
        ({"colour": "#ffffff"}, "colour"),
    ],
)
def test_a_bad_branding_field_is_a_422_naming_it_before_anything_is_read(untouched, body, field):
    answer = call_route("PUT /v1/organizations/branding", json.dumps(body))
    assert answer["statusCode"] == 422
    assert field in json.loads(answer["body"])["errors"]


def test_a_rename_without_a_name_is_a_422_naming_it(untouched):
    answer = call_route("PATCH /v1/organizations", json.dumps({"name": " "}))
    assert answer["statusCode"] == 422 and "name" in json.loads(answer["body"])["errors"]


def test_the_routes_answer_what_was_stored(tables, no_rate_limits):
    renamed = call_route("PATCH /v1/organizations", json.dumps({"name": "Acme"}))
    assert json.loads(renamed["body"]) == {"data": {"name": "Acme"}}
    branded = call_route("PUT /v1/organizations/branding", json.dumps({"color": "#abcdef", "logo": None}))
    assert json.loads(branded["body"])["data"]["color"] == "#abcdef"
    [listed] = json.loads(call_route("GET /v1/organizations")["body"])["data"]
    assert listed == json.loads(call_route("GET /v1/organizations/me")["body"])["data"]
    assert (listed["_id"], listed["name"], listed["branding"]["color"]) == (
        settings().organization_id,
        "Acme",
        "#abcdef",
    )


def test_their_writes_are_the_configuration_class_and_their_reads_global():
    ours = [route for route in ROUTE_CLASSES if route.split(" ", 1)[1].startswith(PATHS)]
    assert len(ours) == 17
    for route in ours:
        expected = RouteClass.GLOBAL if route.startswith("GET ") else RouteClass.CONFIGURATION
        assert ROUTE_CLASSES[route] is expected, route
