"""Suppressions (/v1/suppressions) through the whole path: gateway → authorizer → suppressions function → DynamoDB
on moto: added per entry, listed per channel, checked one address at a time (URL-encoded), lifted; another
environment's key finds none of it."""

from urllib.parse import quote

from tests.integration.conftest import Api


def suppress(api: Api, *entries: dict[str, str]) -> list[dict[str, str]]:
    response = api.post("/v1/suppressions", {"suppressions": list(entries)})
    assert response.status == 200, response.json()
    results: list[dict[str, str]] = response.json()["data"]["results"]
    return results


def test_added_addresses_are_reported_per_entry_listed_and_checked(admin: Api):
    results = suppress(
        admin,
        {"channel": "email", "address": "Ada@Example.com", "reason": "bounce"},
        {"channel": "sms", "address": "+14155550100", "reason": "unsubscribe"},
        {"channel": "email", "address": "ada@example.com"},
    )
    assert [(r["address"], r["status"]) for r in results] == [
        ("ada@example.com", "added"),
        ("+14155550100", "added"),
        ("ada@example.com", "existing"),
    ]
    page = admin.get("/v1/suppressions?channel=email&page=0&limit=10").json()
    assert (page["totalCount"], [s["address"] for s in page["data"]]) == (1, ["ada@example.com"])
    checked = admin.get(f"/v1/suppressions/sms/{quote('+14155550100', safe='')}")
    assert checked.status == 200, checked.json()
    assert {k: checked.json()["data"][k] for k in ("channel", "reason", "source")} == {
        "channel": "sms",
        "reason": "unsubscribe",
        "source": "api",
    }
    assert admin.get("/v1/suppressions/email/ADA%40example.com").json()["data"]["reason"] == "bounce"


def test_a_lifted_suppression_is_a_404_when_checked_or_lifted_again(admin: Api):
    suppress(admin, {"channel": "email", "address": "bob@example.com"})
    assert admin.delete("/v1/suppressions/email/bob@example.com").status == 204
    for response in (
        admin.get("/v1/suppressions/email/bob@example.com"),
        admin.delete("/v1/suppressions/email/bob@example.com"),
    ):
        assert response.status == 404
        assert "address" in response.json()["errors"]
    assert admin.get("/v1/suppressions?channel=email").json()["totalCount"] == 0


def test_a_malformed_entry_is_a_422_naming_its_field(admin: Api):
    response = admin.post("/v1/suppressions", {"suppressions": [{"channel": "sms", "address": "call me"}]})
    assert response.status == 422
    assert any("address" in field for field in response.json()["errors"]), response.json()
    assert admin.get("/v1/suppressions/push/abc").status == 422
    assert admin.get("/v1/suppressions/sms/12345").status == 422


def test_another_environment_sees_nothing_of_a_suppression(admin: Api, other_admin: Api):
    suppress(admin, {"channel": "email", "address": "carol@example.com"})
    assert other_admin.get("/v1/suppressions/email/carol@example.com").status == 404
    assert other_admin.delete("/v1/suppressions/email/carol@example.com").status == 404
    assert other_admin.get("/v1/suppressions?channel=email").json()["data"] == []
    assert admin.get("/v1/suppressions/email/carol@example.com").status == 200
