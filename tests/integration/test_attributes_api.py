"""Profile attributes through the whole path: gateway → authorizer → audience and subscribers functions → DynamoDB on
moto. Attributes are catalogued, their values set on profiles through the subscriber routes, and counted per value."""

from typing import Any

import pytest

from tests.integration.conftest import Api


def created(response: Any) -> dict[str, Any]:
    assert response.status == 201, response.json()
    data: dict[str, Any] = response.json()["data"]
    return data


def values_of(api: Api, name: str, **query: Any) -> dict[str, Any]:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    response = api.get(f"/v1/attributes/{name}/values?{params}")
    assert response.status == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def counts_of(api: Api, name: str) -> dict[Any, int]:
    return {entry["value"]: entry["count"] for entry in values_of(api, name, limit=100)["data"]}


@pytest.fixture
def catalogue(admin: Api) -> Api:
    result = created(
        admin.post(
            "/v1/attributes/batch",
            {
                "attributes": [
                    {"name": "plan", "type": "string", "description": "The billing plan"},
                    {"name": "age", "type": "number"},
                    {"name": "vip", "type": "boolean"},
                    {"name": "birthday", "type": "date"},
                    {"name": "interests", "type": "list"},
                ]
            },
        )
    )
    assert result == {"created": ["plan", "age", "vip", "birthday", "interests"], "failed": []}
    return admin


def test_a_created_attribute_reads_back_in_the_list(admin: Api):
    attribute = created(admin.post("/v1/attributes", {"name": "plan", "type": "string", "description": "Plan"}))
    assert attribute["name"] == "plan" and attribute["type"] == "string" and attribute["createdAt"]
    listed = admin.get("/v1/attributes").json()
    assert listed["totalCount"] == 1 and listed["data"] == [attribute]


def test_a_duplicate_name_is_a_409_naming_it(admin: Api):
    created(admin.post("/v1/attributes", {"name": "plan", "type": "string"}))
    response = admin.post("/v1/attributes", {"name": "plan", "type": "number"})
    assert response.status == 409 and "name" in response.json()["errors"]
    assert admin.get("/v1/attributes").json()["data"][0]["type"] == "string"


def test_a_batch_reports_each_taken_or_repeated_name_and_creates_the_rest(catalogue: Api):
    result = created(
        catalogue.post(
            "/v1/attributes/batch",
            {
                "attributes": [
                    {"name": "plan", "type": "string"},
                    {"name": "city", "type": "string"},
                    {"name": "city", "type": "number"},
                ]
            },
        )
    )
    assert result["created"] == ["city"]
    assert {(f["name"], f["message"]) for f in result["failed"]} == {
        ("plan", "already exists"),
        ("city", "appears more than once in this request"),
    }
    assert catalogue.get("/v1/attributes?limit=100").json()["totalCount"] == 6


def test_the_attribute_list_pages(catalogue: Api):
    first = catalogue.get("/v1/attributes?page=0&limit=2").json()
    last = catalogue.get("/v1/attributes?page=2&limit=2").json()
    assert first["totalCount"] == 5 and first["hasMore"] and len(first["data"]) == 2
    assert not last["hasMore"] and len(last["data"]) == 1
    names = [a["name"] for p in range(3) for a in catalogue.get(f"/v1/attributes?page={p}&limit=2").json()["data"]]
    assert names == ["age", "birthday", "interests", "plan", "vip"]  # in name order


def test_a_profiles_values_round_trip_and_their_counts_move(catalogue: Api):
    body = {"plan": "pro", "age": 36, "vip": True, "birthday": "1990-05-01", "interests": ["jazz", "chess"]}
    profile = created(catalogue.post("/v1/subscribers", {"subscriberId": "ada", "attributes": body}))
    assert profile["attributes"] == body
    assert catalogue.get("/v1/subscribers/ada").json()["data"]["attributes"] == body
    created(
        catalogue.post("/v1/subscribers", {"subscriberId": "bob", "attributes": {"plan": "pro", "interests": ["jazz"]}})
    )
    assert counts_of(catalogue, "plan") == {"pro": 2}
    assert counts_of(catalogue, "interests") == {"jazz": 2, "chess": 1}

    response = catalogue.put("/v1/subscribers/ada", {"attributes": {"plan": "free", "age": None}})
    assert response.status == 200, response.json()
    after = {"plan": "free", "vip": True, "birthday": "1990-05-01", "interests": ["jazz", "chess"]}
    assert response.json()["data"]["attributes"] == after
    assert catalogue.get("/v1/subscribers/ada").json()["data"]["attributes"] == after
    assert counts_of(catalogue, "plan") == {"pro": 1, "free": 1}
    assert counts_of(catalogue, "age") == {}

    assert catalogue.delete("/v1/subscribers/bob").status == 200
    assert counts_of(catalogue, "plan") == {"free": 1}
    assert counts_of(catalogue, "interests") == {"jazz": 1, "chess": 1}


def test_the_values_list_pages_with_its_total(catalogue: Api):
    subscribers = [{"subscriberId": f"user-{n}", "attributes": {"age": 20 + n % 3}} for n in range(7)]
    result = created(catalogue.post("/v1/subscribers/bulk", {"subscribers": subscribers}))
    assert len(result["created"]) == 7 and result["failed"] == []
    first = values_of(catalogue, "age", page=0, limit=2)
    assert first["totalCount"] == 3 and first["hasMore"]
    rest = values_of(catalogue, "age", page=1, limit=2)
    assert not rest["hasMore"]
    assert {v["value"]: v["count"] for v in first["data"] + rest["data"]} == {20: 3, 21: 2, 22: 2}


def test_a_bulk_upsert_moves_the_counts_of_the_profiles_it_changes(catalogue: Api):
    created(catalogue.post("/v1/subscribers", {"subscriberId": "ada", "attributes": {"plan": "pro"}}))
    result = created(
        catalogue.post(
            "/v1/subscribers/bulk",
            {
                "subscribers": [
                    {"subscriberId": "ada", "attributes": {"plan": "free"}},
                    {"subscriberId": "bob", "attributes": {"plan": "free"}},
                    {"subscriberId": "eve", "attributes": {"plan": 3}},
                    {"subscriberId": "sam", "attributes": {"unknown": 1}},
                ]
            },
        )
    )
    assert [s["subscriberId"] for s in result["updated"]] == ["ada"]
    assert [s["subscriberId"] for s in result["created"]] == ["bob"]
    assert {f["subscriberId"]: f["message"] for f in result["failed"]} == {
        "eve": "subscribers[2].attributes.plan: must be text of at most 200 characters",
        "sam": "subscribers[3].attributes.unknown: is not a catalogued attribute; create it with POST /v1/attributes",
    }
    assert counts_of(catalogue, "plan") == {"free": 2}


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"unknown": "x"}, "attributes.unknown"),
        ({"age": "36"}, "attributes.age"),
        ({"vip": 1}, "attributes.vip"),
        ({"birthday": "01/05/1990"}, "attributes.birthday"),
        ({"birthday": "1990-05-01T10:00:00"}, "attributes.birthday"),
        ({"interests": "jazz"}, "attributes.interests"),
        ({"interests": ["jazz", 3]}, "attributes.interests"),
        ({"plan": "x" * 201}, "attributes.plan"),
        ({"plan": {"nested": True}}, "attributes.plan"),
    ],
)
def test_a_bad_value_is_a_422_naming_the_attribute_and_writes_nothing(
    catalogue: Api, attributes: dict[str, Any], field: str
):
    response = catalogue.post("/v1/subscribers", {"subscriberId": "ada", "attributes": attributes})
    assert response.status == 422, response.json()
    assert field in response.json()["errors"]
    assert catalogue.get("/v1/subscribers/ada").status == 404


def test_values_of_an_unknown_attribute_are_a_404(admin: Api):
    response = admin.get("/v1/attributes/plan/values")
    assert response.status == 404 and "name" in response.json()["errors"]


def test_an_environment_sees_only_its_own_attributes_and_counts(catalogue: Api, other_admin: Api):
    created(catalogue.post("/v1/subscribers", {"subscriberId": "ada", "attributes": {"plan": "pro"}}))
    assert other_admin.get("/v1/attributes").json() == {
        "page": 0,
        "totalCount": 0,
        "pageSize": 10,
        "hasMore": False,
        "data": [],
    }
    assert other_admin.get("/v1/attributes/plan/values").status == 404
    created(other_admin.post("/v1/attributes", {"name": "plan", "type": "number"}))  # the name is free there
    response = other_admin.post("/v1/subscribers", {"subscriberId": "ada", "attributes": {"plan": "pro"}})
    assert response.status == 422 and "attributes.plan" in response.json()["errors"]
    assert counts_of(catalogue, "plan") == {"pro": 1}
    assert counts_of(other_admin, "plan") == {}


def test_a_malformed_batch_entry_is_a_422_naming_it_and_creates_nothing(admin: Api):
    body = {"attributes": [{"name": "plan", "type": "string"}, {"name": "age", "type": "integer"}]}
    response = admin.post("/v1/attributes/batch", body)
    assert response.status == 422 and "attributes[1].type" in response.json()["errors"]
    assert admin.get("/v1/attributes").json()["totalCount"] == 0
