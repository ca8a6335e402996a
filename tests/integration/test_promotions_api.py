"""/v1/promotions through the gateway: a bonus engine's key (update:promotion) upserts, a client's key (list:promotion,
info:promotion) lists the live ones; each key only what its scopes allow; bad fields are 422s naming them."""

from local.runtime import LocalRuntime
from tests.integration.conftest import Api


def test_an_engine_upserts_and_a_client_lists_the_live_ones(runtime: LocalRuntime, admin: Api):
    engine = admin.client("bonus-engine", ["update:promotion", "batch_create:promotion", "delete:promotion"])
    reader = admin.client("site", ["list:promotion", "info:promotion"])
    body = {"name": "Welcome", "type": "deposit_bonus", "url": "https://example.com/welcome", "metadata": {"pct": 100}}

    first = engine.put("/v1/promotions/welcome", body)
    again = engine.put("/v1/promotions/welcome", body)
    bulk = engine.post(
        "/v1/promotions/bulk",
        {"promotions": [{"externalId": "summer", "name": "Summer", "startsAt": "2999-06-01T00:00:00Z"}]},
    )

    assert (first.status, again.status) == (201, 200), (first.json(), again.json())
    assert again.json()["data"]["createdAt"] == first.json()["data"]["createdAt"]
    assert bulk.status == 200 and bulk.json()["data"] == [{"externalId": "summer", "result": "created"}]
    live = reader.get("/v1/promotions?active=true").json()
    assert [p["externalId"] for p in live["data"]] == ["welcome"] and live["totalCount"] == 1
    later = reader.get("/v1/promotions?active=true&at=2999-06-02T00:00:00Z").json()["data"]
    assert [p["externalId"] for p in later] == ["summer", "welcome"]
    one = reader.get("/v1/promotions/welcome").json()["data"]
    assert one["active"] is True and one["metadata"] == {"pct": 100}
    assert reader.put("/v1/promotions/welcome", body).status == 403
    assert engine.get("/v1/promotions").status == 403
    assert engine.delete("/v1/promotions/welcome").status == 200
    assert reader.get("/v1/promotions/welcome").status == 404


def test_bad_fields_are_422_naming_them(admin: Api):
    cases = {
        "endsAt": {"name": "x", "startsAt": "2027-01-02T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z"},
        "url": {"name": "x", "url": "javascript:alert(1)"},
        "status": {"name": "x", "status": "live"},
        "name": {},
    }
    for field, body in cases.items():
        response = admin.put("/v1/promotions/p1", body)
        assert response.status == 422, (field, response.json())
        assert field in response.json()["errors"], (field, response.json())
    assert admin.get("/v1/promotions?at=yesterday").status == 422
    assert admin.post("/v1/promotions/bulk", {"promotions": []}).status == 422
