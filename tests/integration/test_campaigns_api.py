"""Campaigns (/v1/campaigns) through the whole path: gateway → authorizer → campaigns function → DynamoDB on moto."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from clarion.dynamo import DynamoTable
from clarion.errors import Conflict
from clarion.store.campaigns import CampaignsRepository
from clarion.store.keys import environment_pk
from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api

CAMPAIGN_SCOPES = ["create:campaign", "list:campaign", "info:campaign", "update:campaign"]
UNKNOWN_ID = "0" * 24
EMAIL_STEP = {
    "channel": "email",
    "content": {"subject": "Hi {{ subscriber.firstName }}", "body": "<p>{{ payload.text }}</p>", "from": "Acme"},
}
SMS_STEP = {"channel": "sms", "content": {"body": "{{ payload.code }} is your code"}}


def create(admin: Api, **fields: Any) -> dict[str, Any]:
    response = admin.post("/v1/campaigns", {"name": "Welcome", "steps": [EMAIL_STEP]} | fields)
    assert response.status == 201, response.json()
    return response.json()["data"]


def update(admin: Api, campaign_id: str, body: dict[str, Any]) -> Any:
    return admin.put(f"/v1/campaigns/{campaign_id}", body)


def stored(admin: Api) -> dict[str, dict[str, Any]]:
    """The admin environment's CampaignsTable items, by sort key."""
    pk = environment_pk(admin.environment_id)
    return {item["sk"]: item for item in admin.runtime.scan_table("CampaignsTable") if item["pk"] == pk}


@pytest.fixture
def repository(runtime: LocalRuntime) -> Iterator[CampaignsRepository]:
    """The repository the trigger issue will use, on the stack's table."""
    with runtime.registry.environment_of("CampaignsFunction"):
        yield CampaignsRepository(DynamoTable(runtime.resources.tables["CampaignsTable"]))


def test_a_created_campaign_is_returned_in_novus_envelope_with_derived_fields(admin: Api):
    campaign = create(admin, identifier="welcome-flow", steps=[EMAIL_STEP, SMS_STEP, EMAIL_STEP], critical=True)
    assert campaign["_id"] and campaign["identifier"] == "welcome-flow"
    assert campaign["status"] == "draft"
    assert campaign["critical"] is True
    assert campaign["channels"] == ["email", "sms"]
    assert campaign["preferenceSettings"] == {"email": True, "sms": True, "in_app": True, "chat": True, "push": True}
    assert campaign["audience"] == {"type": "subscribers", "subscriberIds": []}
    assert campaign["steps"][0] == EMAIL_STEP
    assert campaign["version"] == 1
    assert campaign["createdBy"] == admin.client_id


def test_a_created_campaign_is_stored_with_its_identifier_item(admin: Api):
    campaign = create(admin, identifier="stored-flow")
    items = stored(admin)
    assert items[f"CAMPAIGN#{campaign['_id']}"]["steps"] == [EMAIL_STEP]
    assert items["IDENTIFIER#stored-flow"]["campaignId"] == campaign["_id"]


def test_the_identifier_defaults_to_a_slug_of_the_name(admin: Api):
    assert create(admin, name="  Café: Order Shipped!  ")["identifier"] == "cafe-order-shipped"


def test_a_name_without_letters_or_digits_needs_an_identifier(admin: Api):
    response = admin.post("/v1/campaigns", {"name": "!!!", "steps": [EMAIL_STEP]})
    assert response.status == 422
    assert "identifier" in response.json()["errors"]


def test_a_duplicate_identifier_is_a_409_naming_identifier(admin: Api):
    create(admin, identifier="taken")
    response = admin.post("/v1/campaigns", {"name": "Other", "identifier": "taken", "steps": [SMS_STEP]})
    assert response.status == 409
    assert "identifier" in response.json()["errors"]


def test_a_campaign_is_read_by_id(admin: Api):
    campaign = create(admin, audience={"type": "topics", "topicKeys": ["news"]})
    response = admin.get(f"/v1/campaigns/{campaign['_id']}")
    assert response.status == 200
    assert response.json()["data"] == campaign


def test_an_unknown_campaign_is_a_404(admin: Api):
    response = admin.get(f"/v1/campaigns/{UNKNOWN_ID}")
    assert response.status == 404
    assert "campaignId" in response.json()["errors"]


def test_campaigns_are_listed_in_descending_id_order_a_page_at_a_time(admin: Api):
    created = [create(admin, identifier=f"listed-{number}")["_id"] for number in range(3)]
    first = admin.get("/v1/campaigns?limit=2").json()
    second = admin.get(f"/v1/campaigns?limit=2&cursor={first['nextCursor']}").json()
    assert [c["_id"] for c in first["data"] + second["data"]] == sorted(created, reverse=True)
    assert (first["hasMore"], second["hasMore"], second["nextCursor"]) == (True, False, None)


def test_another_environments_key_gets_404_and_never_the_campaign(admin: Api):
    campaign = create(admin, identifier="private")
    environment = admin.post("/v1/environments", {"name": f"campaigns-elsewhere-{admin.client_id}"})
    other = admin.client("tenant-b-campaigns", CAMPAIGN_SCOPES, environmentId=environment.json()["data"]["_id"])
    assert other.get(f"/v1/campaigns/{campaign['_id']}").status == 404
    assert update(other, campaign["_id"], {"name": "Stolen"}).status == 404
    assert other.get("/v1/campaigns").json()["data"] == []
    assert other.post("/v1/campaigns", {"name": "Mine", "identifier": "private", "steps": [SMS_STEP]}).status == 201


def test_an_update_changes_the_fields_given_and_bumps_the_version(admin: Api):
    campaign = create(admin, identifier="updated", description="first")
    response = update(
        admin, campaign["_id"], {"status": "active", "steps": [SMS_STEP, {**SMS_STEP, "channel": "chat"}]}
    )
    assert response.status == 200
    data = response.json()["data"]
    assert (data["status"], data["channels"], data["version"]) == ("active", ["sms", "chat"], 2)
    assert (data["name"], data["description"]) == ("Welcome", "first")
    assert stored(admin)[f"CAMPAIGN#{campaign['_id']}"]["version"] == 2


def test_an_update_that_changes_nothing_keeps_the_version(admin: Api):
    campaign = create(admin, identifier="unchanged")
    assert update(admin, campaign["_id"], {"name": "Welcome"}).json()["data"]["version"] == 1


def test_renaming_the_identifier_moves_it(admin: Api, repository: CampaignsRepository):
    campaign = create(admin, identifier="old-name")
    assert update(admin, campaign["_id"], {"identifier": "new-name"}).status == 200
    assert repository.find_by_identifier(admin.environment_id, "new-name")["_id"] == campaign["_id"]
    assert repository.find_by_identifier(admin.environment_id, "old-name") is None
    assert create(admin, identifier="old-name")["identifier"] == "old-name"


def test_renaming_to_a_taken_identifier_is_a_409(admin: Api):
    create(admin, identifier="first-taken")
    campaign = create(admin, identifier="second")
    response = update(admin, campaign["_id"], {"identifier": "first-taken"})
    assert response.status == 409
    assert "identifier" in response.json()["errors"]
    assert stored(admin)[f"CAMPAIGN#{campaign['_id']}"]["identifier"] == "second"


def test_a_completed_campaign_can_no_longer_change(admin: Api):
    campaign = create(admin, identifier="done")
    assert update(admin, campaign["_id"], {"status": "completed"}).status == 200
    response = update(admin, campaign["_id"], {"status": "active"})
    assert response.status == 409
    assert "status" in response.json()["errors"]


def test_an_update_of_an_unknown_campaign_is_a_404(admin: Api):
    assert update(admin, UNKNOWN_ID, {"name": "Nobody"}).status == 404


def test_an_update_based_on_a_stale_read_is_a_conflict(admin: Api, repository: CampaignsRepository):
    campaign = create(admin, identifier="raced")
    read = repository.get(admin.environment_id, campaign["_id"])
    assert read is not None
    assert update(admin, campaign["_id"], {"name": "First writer"}).status == 200
    with pytest.raises(Conflict):
        repository.update(admin.environment_id, read, read | {"name": "Second writer", "version": 2})
    assert repository.get(admin.environment_id, campaign["_id"])["name"] == "First writer"


def test_a_campaign_is_found_by_its_identifier(admin: Api, repository: CampaignsRepository):
    campaign = create(admin, identifier="triggered")
    found = repository.find_by_identifier(admin.environment_id, "triggered")
    assert found is not None and found["steps"] == campaign["steps"]
    assert repository.find_by_identifier(admin.environment_id, "never-made") is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"steps": [{"channel": "fax", "content": {"body": "x"}}]}, "steps[0].channel", "Input should be"),
        ({"steps": [{"channel": "email", "content": {"body": "x"}}]}, "steps[0].content.subject", "Field required"),
        ({"steps": [{"channel": "sms", "content": {"body": "{{ x }"}}]}, "steps[0].content.body", "unexpected '}'"),
        (
            {"steps": [{"channel": "sms", "content": {"body": "{{ ''.__class__ }}"}}]},
            "steps[0].content.body",
            "'__class__' at line 1",
        ),
        (
            {"steps": [{**EMAIL_STEP, "locales": {"pt-BR": {"body": "olá"}}}]},
            "steps[0].locales.pt-BR.subject",
            "Field required",
        ),
        ({"steps": [{**SMS_STEP, "content": {"body": "x", "title": "y"}}]}, "steps[0].content.title", "not permitted"),
        ({"steps": [SMS_STEP] * 21}, "steps", "at most 20"),
        ({"steps": []}, "steps", "at least 1"),
        ({"audience": {"type": "topics", "topicKeys": []}}, "audience.topicKeys", "at least 1"),
        ({"audience": {"type": "everyone"}}, "audience", "does not match"),
        ({"identifier": "Not A Slug"}, "identifier", "pattern"),
        ({"status": "running"}, "status", "Input should be"),
        ({"colour": "red"}, "colour", "not permitted"),
    ],
    ids=[
        "bad-channel",
        "missing-subject",
        "bad-template",
        "private-attribute",
        "incomplete-locale",
        "field-of-another-channel",
        "too-many-steps",
        "no-steps",
        "empty-topics",
        "unknown-audience",
        "bad-identifier",
        "bad-status",
        "unknown-field",
    ],
)
def test_an_invalid_campaign_is_a_422_naming_the_field(admin: Api, body: dict[str, Any], field: str, message: str):
    response = admin.post("/v1/campaigns", {"name": "Invalid", "steps": [EMAIL_STEP]} | body)
    assert response.status == 422
    errors = response.json()["errors"]
    assert field in errors, errors
    assert any(message in text for text in errors[field]["messages"]), errors[field]


def test_a_bad_template_message_points_at_the_field_and_line(admin: Api):
    steps = [{"channel": "sms", "content": {"body": "line one\n{% if %}"}}]
    response = admin.post("/v1/campaigns", {"name": "Invalid", "steps": steps})
    assert response.status == 422
    assert response.json()["message"].startswith("steps[0].content.body: ")
    assert "at line 2" in response.json()["message"]


def test_an_invalid_update_is_a_422_and_changes_nothing(admin: Api):
    campaign = create(admin, identifier="kept")
    response = update(admin, campaign["_id"], {"steps": [{"channel": "push", "content": {"body": "no title"}}]})
    assert response.status == 422
    assert "steps[0].content.title" in response.json()["errors"]
    assert stored(admin)[f"CAMPAIGN#{campaign['_id']}"]["version"] == 1


def test_the_sample_event_creates_a_campaign(admin: Api, runtime: LocalRuntime):
    event = load_event("campaigns/create_campaign.json")
    event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
    response = runtime.invoke("CampaignsFunction", event)
    assert response["statusCode"] == 201
    campaign = json.loads(response["body"])["data"]
    assert (campaign["identifier"], campaign["channels"]) == ("welcome", ["email", "in_app"])
    assert set(campaign["steps"][0]["locales"]) == {"pt-BR"}
