"""Finding subscribers by email or phone (cancel-journey's targets): the sparse EmailIndex and PhoneIndex follow
every write of a profile, and a lookup reads an index, never the environment's profiles."""

from collections import Counter
from typing import Any

import boto3
import pytest

from clarion.dynamo import to_item
from clarion.store.keys import PROFILE_SK, subscriber_pk
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.journeys import email, journey, subscriber, trigger, unique


@pytest.fixture
def campaign(admin: Api) -> dict[str, Any]:
    return journey(admin, email("only", unique("contacts")))


def found(admin: Api, campaign: dict[str, Any], **target: str) -> int:
    """How many subscribers cancel-journey finds for one email or phone target."""
    response = admin.post(f"/v1/campaigns/{campaign['_id']}/cancel-journey", {"targets": [target]})
    assert response.status == 200, response.json()
    count: int = response.json()["data"]["subscribers"]
    return count


def put(admin: Api, subscriber_id: str, fields: dict[str, Any]) -> None:
    response = admin.put(f"/v1/subscribers/{subscriber_id}", fields)
    assert response.status == 200, response.json()


def bulk(admin: Api, *entries: dict[str, Any]) -> None:
    response = admin.post("/v1/subscribers/bulk", {"subscribers": list(entries)})
    assert response.status == 201, response.json()
    assert response.json()["data"]["failed"] == []


def campaign_dynamodb_calls(runtime: LocalRuntime, act: Any) -> Counter[str]:
    """The DynamoDB calls CampaignsFunction makes during `act()`, by operation, once `act()` found one subscriber."""
    with runtime.count_aws_calls() as calls:
        assert act() == 1
    return Counter(c.operation for c in calls.calls if c.service == "dynamodb" and c.function == "CampaignsFunction")


def test_an_email_finds_its_subscriber_in_any_case(admin: Api, campaign: dict[str, Any]):
    user = unique("case")
    subscriber(admin, user, email=f"{user}@Example.com")
    assert found(admin, campaign, email=f"{user.upper()}@EXAMPLE.COM") == 1
    assert found(admin, campaign, email=f"{user}@example.com") == 1


def test_a_phone_finds_its_subscriber(admin: Api, campaign: dict[str, Any]):
    subscriber(admin, unique("phone"), phone="+14155550101")
    assert found(admin, campaign, phone="+14155550101") == 1
    assert found(admin, campaign, phone="+14155550102") == 0


def test_every_subscriber_sharing_an_email_is_found(admin: Api, campaign: dict[str, Any]):
    shared = f"{unique('shared')}@example.com"
    subscriber(admin, unique("first"), email=shared)
    subscriber(admin, unique("second"), email=shared.upper())
    assert found(admin, campaign, email=shared) == 2


@pytest.mark.parametrize("write", ["PUT", "POST"])
def test_a_changed_email_finds_the_subscriber_and_the_old_one_no_longer(
    admin: Api, campaign: dict[str, Any], write: str
):
    user = unique("moved")
    subscriber(admin, user, email=f"{user}@old.example.com")
    if write == "PUT":
        put(admin, user, {"email": f"{user}@new.example.com"})
    else:  # Novu's create of an existing subscriberId updates it
        assert admin.post("/v1/subscribers", {"subscriberId": user, "email": f"{user}@new.example.com"}).status == 201
    assert found(admin, campaign, email=f"{user}@old.example.com") == 0
    assert found(admin, campaign, email=f"{user}@new.example.com") == 1


def test_a_changed_phone_finds_the_subscriber_and_the_old_one_no_longer(admin: Api, campaign: dict[str, Any]):
    user = unique("rephoned")
    subscriber(admin, user, phone="+14155550103")
    put(admin, user, {"phone": "+14155550104"})
    assert found(admin, campaign, phone="+14155550103") == 0
    assert found(admin, campaign, phone="+14155550104") == 1


def test_an_email_cleared_with_null_finds_no_one_and_the_phone_still_does(admin: Api, campaign: dict[str, Any]):
    user = unique("cleared")
    subscriber(admin, user, email=f"{user}@example.com", phone="+14155550105")
    put(admin, user, {"email": None, "phone": None})  # Novu: null clears the email and leaves the phone
    assert found(admin, campaign, email=f"{user}@example.com") == 0
    assert found(admin, campaign, phone="+14155550105") == 1


def test_bulk_create_moves_and_clears_the_email_it_changes(admin: Api, campaign: dict[str, Any]):
    user = unique("bulk")
    bulk(admin, {"subscriberId": user, "email": f"{user}@old.example.com"})
    bulk(admin, {"subscriberId": user, "email": f"{user}@new.example.com"})
    assert found(admin, campaign, email=f"{user}@old.example.com") == 0
    assert found(admin, campaign, email=f"{user}@new.example.com") == 1
    bulk(admin, {"subscriberId": user, "email": None})
    assert found(admin, campaign, email=f"{user}@new.example.com") == 0


def test_a_trigger_recipient_given_in_full_moves_its_email(runtime: LocalRuntime, admin: Api, campaign: dict[str, Any]):
    user = unique("recipient")
    subscriber(admin, user, email=f"{user}@old.example.com")
    trigger(admin, campaign, {"subscriberId": user, "email": f"{user}@new.example.com"})
    runtime.drain()
    assert found(admin, campaign, email=f"{user}@old.example.com") == 0
    assert found(admin, campaign, email=f"{user}@new.example.com") == 1


def test_a_deleted_subscriber_is_no_longer_found(admin: Api, campaign: dict[str, Any]):
    user = unique("gone")
    subscriber(admin, user, phone="+14155550106")
    assert admin.delete(f"/v1/subscribers/{user}").status == 200
    assert found(admin, campaign, email=f"{user}@example.com") == 0
    assert found(admin, campaign, phone="+14155550106") == 0


def test_another_environments_subscriber_is_not_found(runtime: LocalRuntime, admin: Api):
    user = unique("elsewhere")
    other = runtime.bootstrap_admin(environment_name=unique("contacts-env"))
    subscriber(Api(runtime, other.key, other.client_id, other.environment_id), user)
    assert found(admin, journey(admin, email("only", unique("contacts"))), email=f"{user}@example.com") == 0


def test_a_lookup_among_many_subscribers_is_one_query_of_the_index(
    runtime: LocalRuntime, admin: Api, campaign: dict[str, Any]
):
    target = unique("needle")
    bulk(admin, *({"subscriberId": unique("hay"), "email": f"{unique('hay')}@example.com"} for _ in range(150)))
    subscriber(admin, target)
    found(admin, campaign, subscriberId=target)  # warms the function: both calls below find it warm

    by_id = campaign_dynamodb_calls(runtime, lambda: found(admin, campaign, subscriberId=target))
    by_email = campaign_dynamodb_calls(runtime, lambda: found(admin, campaign, email=f"{target}@example.com"))
    # reading the 151 profiles would add a Query and a BatchGetItem for every 100 of them
    assert by_email - by_id == Counter({"Query": 1})
    assert by_id - by_email == Counter()


def test_a_profile_written_before_the_indexes_is_found_once_the_backfill_rewrites_it(
    runtime: LocalRuntime, admin: Api, campaign: dict[str, Any]
):
    user = unique("legacy")
    subscriber(admin, user, phone="+14155550107")
    boto3.client("dynamodb").update_item(
        TableName=runtime.resources.tables["SubscribersTable"],
        Key=to_item({"pk": subscriber_pk(admin.environment_id, user), "sk": PROFILE_SK}),
        UpdateExpression="REMOVE contactEmail, contactPhone",
    )
    assert found(admin, campaign, email=f"{user}@example.com") == 0
    profile = admin.get(f"/v1/subscribers/{user}").json()["data"]
    bulk(admin, {name: profile[name] for name in ("subscriberId", "email", "phone")})  # docs/operations.md
    assert found(admin, campaign, email=f"{user}@example.com") == 1
    assert found(admin, campaign, phone="+14155550107") == 1
