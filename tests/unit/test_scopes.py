import pytest

from clarion.errors import ValidationFailed
from clarion.scopes import BUNDLE_GRANTS, BUNDLES, FINE_SCOPES, GROUPS, GUARDING_SCOPES, ROUTE_SCOPES, expand_scopes


def test_a_bundle_expands_to_what_it_grants():
    assert expand_scopes(["sms"]) == list(BUNDLE_GRANTS["sms"])


def test_a_bundle_grants_exactly_its_scopes_that_guard_a_route():
    for name, scopes in BUNDLES.items():
        assert set(BUNDLE_GRANTS[name]) == set(scopes) & set(ROUTE_SCOPES.values()), name


def test_a_bundle_grants_a_scope_once_a_route_requires_it():
    # `export` guarded no route before POST /v1/exports, and user_data did not grant it then
    assert "export" in BUNDLES["user_data"] and "export" in GUARDING_SCOPES
    assert "export" in expand_scopes(["user_data"])


def test_every_bundle_grants_something():
    assert all(BUNDLE_GRANTS[name] for name in BUNDLES)


def test_a_fine_scope_that_guards_no_route_may_still_be_assigned_by_name():
    assert expand_scopes(["export"]) == ["export"]


def test_fine_scopes_and_bundles_mix_without_duplicates():
    scopes = expand_scopes(["list:profile", "user_data", "list:profile", "info:profile"])
    assert scopes == sorted(set(expand_scopes(["user_data"])) | {"list:profile", "info:profile"})


def test_an_unknown_scope_is_refused_naming_its_position_and_value():
    with pytest.raises(ValidationFailed) as refused:
        expand_scopes(["list:profile", "send:everything"])
    assert refused.value.field == "scopes[1]"
    assert "send:everything" in refused.value.message


def test_every_bundle_expands_only_to_catalogued_scopes():
    for name, scopes in BUNDLES.items():
        assert set(scopes) <= FINE_SCOPES, name


def test_bundle_names_never_shadow_fine_scopes():
    assert not set(BUNDLES) & FINE_SCOPES


def test_every_route_requires_a_catalogued_scope():
    assert set(ROUTE_SCOPES.values()) <= FINE_SCOPES


def test_every_scope_is_in_exactly_one_group():
    names = [scope.name for group in GROUPS for scope in group.scopes]
    assert len(names) == len(set(names))


def test_the_catalogue_covers_the_campaign_operations_of_the_spec():
    operations = {"send", "execute", "start", "stop", "schedule", "expire_inbox", "remove_inbox", "cancel_journey"}
    assert {f"campaign:{op}" for op in operations} <= FINE_SCOPES
