"""API clients through the whole path: gateway → authorizer → clients function → DynamoDB on moto."""

from clarion.scopes import BUNDLE_GRANTS, BUNDLES, FINE_SCOPES
from tests.integration.conftest import Api


def test_a_new_client_gets_a_key_shown_once_and_works_within_its_scopes(admin: Api):
    created = admin.post("/v1/clients", {"name": "checkout", "scopes": ["clients:manage"]})
    assert created.status == 201
    data = created.json()["data"]
    assert data["key"].startswith("sk_") and data["status"] == "active"
    assert data["scopes"] == ["clients:manage"] and data["environmentId"] == admin.environment_id
    assert data["createdBy"] == admin.client_id

    shown = admin.get(f"/v1/clients/{data['clientId']}").json()["data"]
    assert "key" not in shown and "keyHash" not in shown
    assert shown["keyHint"] == f"sk_...{data['key'][-4:]}"

    client = Api(admin.runtime, data["key"])
    assert client.get("/v1/scopes").status == 200
    assert client.get("/v1/environments").status == 403


def test_only_the_hash_of_a_key_is_stored(admin: Api, runtime):
    key = admin.client("hashed", []).key
    stored = runtime.scan_table("ClientsTable")
    assert stored, "the client was written"
    assert not any(key in repr(item) for item in stored)


def test_setting_scopes_expands_bundles_and_is_audited(admin: Api):
    client = admin.client("mailer", ["list:profile"])
    response = admin.put(f"/v1/clients/{client.client_id}/scopes", {"scopes": ["emails", "analytics"]})
    assert response.status == 200
    assert response.json()["data"]["scopes"] == sorted({*BUNDLE_GRANTS["emails"], "analytics"})
    assert response.json()["data"]["updatedBy"] == admin.client_id

    audit = admin.get(f"/v1/clients/{client.client_id}/audit").json()["data"]
    assert [entry["action"] for entry in audit] == ["scopes_changed", "created"]
    latest = audit[0]
    assert latest["changedBy"] == admin.client_id and latest["changedAt"].endswith("Z")
    assert latest["before"] == ["list:profile"]
    assert latest["after"] == response.json()["data"]["scopes"]


def test_new_scopes_take_effect_for_the_clients_key(admin: Api, runtime):
    client = admin.client("grows", [])
    assert client.get("/v1/scopes").status == 403
    admin.put(f"/v1/clients/{client.client_id}/scopes", {"scopes": ["clients:manage"]})
    runtime.reset_caches()
    assert client.get("/v1/scopes").status == 200


def test_an_unknown_scope_is_a_422_naming_it_and_changes_nothing(admin: Api):
    client = admin.client("typo", ["list:profile"])
    response = admin.put(f"/v1/clients/{client.client_id}/scopes", {"scopes": ["sms", "list:profiles"]})
    assert response.status == 422
    assert response.json()["errors"]["scopes[1]"]["value"] == "list:profiles"
    assert admin.get(f"/v1/clients/{client.client_id}").json()["data"]["scopes"] == ["list:profile"]
    assert len(admin.get(f"/v1/clients/{client.client_id}/audit").json()["data"]) == 1


def test_a_client_cannot_grant_scopes_it_does_not_hold(admin: Api):
    manager = admin.client("manager", ["clients:manage", "list:profile"])
    refused = manager.post("/v1/clients", {"name": "escalate", "scopes": ["delete:profile"]})
    assert refused.status == 403
    assert "delete:profile" in refused.json()["message"]
    granted = manager.post("/v1/clients", {"name": "narrow", "scopes": ["list:profile"]})
    assert granted.status == 201


def test_rotation_issues_a_new_key_and_the_old_one_stops_working(admin: Api, runtime):
    client = admin.client("rotating", ["clients:manage"])
    assert client.get("/v1/scopes").status == 200
    rotated = admin.post(f"/v1/clients/{client.client_id}/rotate")
    assert rotated.status == 200
    new_key = rotated.json()["data"]["key"]
    assert new_key != client.key
    runtime.reset_caches()
    assert client.get("/v1/scopes").status == 403
    assert Api(runtime, new_key).get("/v1/scopes").status == 200
    assert admin.get(f"/v1/clients/{client.client_id}/audit").json()["data"][0]["action"] == "key_rotated"


def test_a_revoked_client_is_kept_but_its_key_stops_working(admin: Api, runtime):
    client = admin.client("leaving", ["clients:manage"])
    revoked = admin.delete(f"/v1/clients/{client.client_id}")
    assert revoked.status == 200 and revoked.json()["data"]["status"] == "revoked"
    runtime.reset_caches()
    assert client.get("/v1/scopes").status == 403
    assert admin.get(f"/v1/clients/{client.client_id}").json()["data"]["status"] == "revoked"
    assert admin.post(f"/v1/clients/{client.client_id}/rotate").status == 409
    assert admin.put(f"/v1/clients/{client.client_id}/scopes", {"scopes": []}).status == 409
    assert admin.delete(f"/v1/clients/{client.client_id}").status == 200


def test_clients_are_listed_page_by_page(admin: Api):
    for number in range(4):
        admin.client(f"paged-{number}", [])
    seen, cursor, pages = [], None, 0
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = admin.get(f"/v1/clients{query}").json()
        pages += 1
        seen += [client["clientId"] for client in page["data"]]
        assert page["limit"] == 2 and len(page["data"]) <= 2
        if not page["hasMore"]:
            assert page["nextCursor"] is None
            break
        cursor = page["nextCursor"]
    assert len(seen) == len(set(seen)) == 5  # the admin and four more
    assert pages == 3


def test_unknown_clients_are_404(admin: Api):
    missing = "0" * 24
    for response in (
        admin.get(f"/v1/clients/{missing}"),
        admin.delete(f"/v1/clients/{missing}"),
        admin.post(f"/v1/clients/{missing}/rotate"),
        admin.put(f"/v1/clients/{missing}/scopes", {"scopes": []}),
        admin.get(f"/v1/clients/{missing}/audit"),
    ):
        assert response.status == 404
        assert response.json()["errors"]["clientId"]["messages"]


def test_the_catalogue_shows_fine_scopes_and_bundles(admin: Api):
    catalogue = admin.get("/v1/scopes").json()["data"]
    assert {scope["name"] for group in catalogue["groups"] for scope in group["scopes"]} == FINE_SCOPES
    assert {bundle["name"] for bundle in catalogue["bundles"]} == set(BUNDLES)


def test_the_catalogue_marks_every_scope_as_guarding_a_route(admin: Api):
    scopes = {
        s["name"]: s["guardsRoute"] for g in admin.get("/v1/scopes").json()["data"]["groups"] for s in g["scopes"]
    }
    assert scopes["list:profile"] is True and scopes["clients:manage"] is True
    assert scopes["list:consent"] is True and scopes["otp:send"] is True
    assert scopes["export"] is True and scopes["file:download"] is True and scopes["list:task"] is True
    assert [name for name, guards in scopes.items() if not guards] == []  # every scope of the catalogue guards a route


def test_a_client_given_a_bundle_holds_exactly_what_the_catalogue_says_it_expands_to(admin: Api):
    bundles = {bundle["name"]: bundle["expandsTo"] for bundle in admin.get("/v1/scopes").json()["data"]["bundles"]}
    for name, expands_to in bundles.items():
        created = admin.post("/v1/clients", {"name": f"bundle-{name}", "scopes": [name]})
        assert created.status == 201, created.json()
        assert created.json()["data"]["scopes"] == expands_to, name
