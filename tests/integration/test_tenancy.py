"""Environments and isolation: one environment's key never reads or changes another's clients."""

from tests.integration.conftest import Api
from tests.integration.support.environments import other_environment


def test_environments_are_created_and_listed_in_novus_shape(admin: Api):
    created = admin.post("/v1/environments", {"name": f"Staging {admin.client_id}", "color": "#3498db"})
    assert created.status == 201
    environment = created.json()["data"]
    assert set(environment) >= {"_id", "name", "_organizationId", "identifier", "slug"}
    listed = admin.get("/v1/environments").json()["data"]
    assert environment["_id"] in {e["_id"] for e in listed}
    assert admin.environment_id in {e["_id"] for e in listed}


def test_environment_names_are_unique_ignoring_case(admin: Api):
    name = f"Prod {admin.client_id}"
    assert admin.post("/v1/environments", {"name": name}).status == 201
    duplicate = admin.post("/v1/environments", {"name": name.upper()})
    assert duplicate.status == 409
    assert "name" in duplicate.json()["errors"]


def test_an_unknown_parent_environment_is_a_422(admin: Api):
    response = admin.post("/v1/environments", {"name": f"child {admin.client_id}", "parentId": "f" * 24})
    assert response.status == 422
    assert "parentId" in response.json()["errors"]


def test_an_admin_issues_keys_for_another_environment(admin: Api):
    tenant_b = other_environment(admin)
    assert tenant_b.environment_id != admin.environment_id
    assert tenant_b.get("/v1/clients").json()["data"][0]["clientId"] == tenant_b.client_id


def test_a_key_for_an_unknown_environment_is_a_422(admin: Api):
    response = admin.post("/v1/clients", {"name": "lost", "environmentId": "e" * 24})
    assert response.status == 422
    assert "environmentId" in response.json()["errors"]


def test_without_environments_manage_keys_are_only_for_the_callers_environment(admin: Api):
    manager = admin.client("manager", ["clients:manage"])
    target = admin.post("/v1/environments", {"name": f"elsewhere {admin.client_id}"}).json()["data"]["_id"]
    refused = manager.post("/v1/clients", {"name": "sneaky", "environmentId": target})
    assert refused.status == 403
    assert "environmentId" in refused.json()["errors"]


def test_another_environments_client_is_indistinguishable_from_a_missing_one(admin: Api):
    tenant_b = other_environment(admin)
    victim = admin.client("victim", ["list:profile"])
    for response in (
        tenant_b.get(f"/v1/clients/{victim.client_id}"),
        tenant_b.put(f"/v1/clients/{victim.client_id}/scopes", {"scopes": []}),
        tenant_b.post(f"/v1/clients/{victim.client_id}/rotate"),
        tenant_b.delete(f"/v1/clients/{victim.client_id}"),
        tenant_b.get(f"/v1/clients/{victim.client_id}/audit"),
    ):
        assert response.status == 404
    listed = {client["clientId"] for client in tenant_b.get("/v1/clients").json()["data"]}
    assert victim.client_id not in listed and admin.client_id not in listed
    assert admin.get(f"/v1/clients/{victim.client_id}").json()["data"]["status"] == "active"
    assert victim.get("/v1/clients").status == 403  # unchanged scopes: still only list:profile


def test_a_cursor_from_another_environment_is_refused(admin: Api):
    tenant_b = other_environment(admin)
    for number in range(2):
        admin.client(f"page-{number}", [])
    cursor = admin.get("/v1/clients?limit=1").json()["nextCursor"]
    response = tenant_b.get(f"/v1/clients?limit=1&cursor={cursor}")
    assert response.status == 422
    assert "cursor" in response.json()["errors"]
