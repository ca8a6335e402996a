"""Novu's /v1/integrations through the gateway: CRUD, soft delete, primaries, checks, credentials kept in Secrets
Manager and never shown in clear."""

import json
from typing import Any

from clarion.aws import client
from clarion.store.keys import integrations_pk
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.integrations import INTEGRATIONS, create, smtp_credentials


def secret(runtime: LocalRuntime, api: Api, integration_id: str) -> dict[str, Any]:
    with runtime.registry.environment_of("IntegrationsFunction"):
        from clarion.delivery.credentials import secret_name

        value = client("secretsmanager").get_secret_value(SecretId=secret_name(api.environment_id, integration_id))
    return json.loads(value["SecretString"])


def stored_items(runtime: LocalRuntime, api: Api) -> list[dict[str, Any]]:
    pk = integrations_pk(api.environment_id)
    return [item for item in runtime.scan_table("CampaignsTable") if item["pk"] == pk]


def field_errors(response: Any) -> set[str]:
    assert response.status == 422, response.json()
    return set(response.json()["errors"])


def test_an_integration_is_created_in_novus_shape(admin: Api):
    created = create(admin, name="Mail", conditions=[])
    assert created["_environmentId"] == admin.environment_id
    assert (created["providerId"], created["channel"], created["name"], created["active"]) == (
        "ses",
        "email",
        "Mail",
        True,
    )
    assert created["identifier"].startswith("ses-") and len(created["_id"]) == 24
    assert (created["primary"], created["deleted"], created["deletedAt"], created["conditions"]) == (
        True,
        False,
        None,
        [],
    )
    assert {"_organizationId", "createdAt", "updatedAt", "credentials"} <= set(created)


def test_credentials_are_kept_in_secrets_manager_and_never_shown_or_stored_in_clear(runtime: LocalRuntime, admin: Api):
    credentials = smtp_credentials()
    created = create(admin, providerId="smtp", credentials=credentials)
    shown = [created, admin.get(f"{INTEGRATIONS}/{created['_id']}").json()["data"]]
    shown += admin.get(INTEGRATIONS).json()["data"]
    for integration in shown:
        assert credentials["password"] not in json.dumps(integration)
        assert integration["credentials"]["password"] == "****"
        assert integration["credentials"]["host"] == "127.0.0.1"
    assert credentials["password"] not in json.dumps(stored_items(runtime, admin), default=str)
    assert secret(runtime, admin, created["_id"]) == credentials


def test_updating_credentials_puts_a_new_secret_and_a_masked_value_keeps_the_stored_one(
    runtime: LocalRuntime, admin: Api
):
    credentials = smtp_credentials()
    created = create(admin, providerId="smtp", credentials=credentials)
    shown = admin.get(f"{INTEGRATIONS}/{created['_id']}").json()["data"]["credentials"]
    response = admin.put(f"{INTEGRATIONS}/{created['_id']}", {"credentials": shown | {"port": 2526}})
    assert response.status == 200, response.json()
    assert secret(runtime, admin, created["_id"]) == credentials | {"port": 2526}
    admin.put(f"{INTEGRATIONS}/{created['_id']}", {"credentials": credentials | {"password": "new-password-1"}})
    assert secret(runtime, admin, created["_id"])["password"] == "new-password-1"


def test_an_unknown_provider_for_the_channel_is_a_422_naming_provider_id(admin: Api):
    assert field_errors(admin.post(INTEGRATIONS, {"providerId": "twilio", "channel": "sms"})) == {"providerId"}
    assert field_errors(admin.post(INTEGRATIONS, {"providerId": "smtp", "channel": "sms"})) == {"providerId"}


def test_bad_credentials_are_a_422_naming_the_credential(admin: Api):
    response = admin.post(
        INTEGRATIONS, {"providerId": "smtp", "channel": "email", "credentials": smtp_credentials(port=0)}
    )
    assert field_errors(response) == {"credentials.port"}
    unknown = admin.post(INTEGRATIONS, {"providerId": "ses", "channel": "email", "credentials": {"apiKey": "x"}})
    assert field_errors(unknown) == {"credentials.apiKey"}


def test_a_bad_condition_operator_is_a_422_naming_its_path(admin: Api):
    conditions = [
        {"value": "AND", "children": [{"field": "plan", "value": "pro", "operator": "ABOUT", "on": "payload"}]}
    ]
    response = admin.post(INTEGRATIONS, {"providerId": "ses", "channel": "email", "conditions": conditions})
    assert field_errors(response) == {"conditions[0].children[0].operator"}


def test_identifiers_are_unique_in_the_environment(admin: Api):
    create(admin, identifier="mail-main")
    response = admin.post(INTEGRATIONS, {"providerId": "ses", "channel": "email", "identifier": "mail-main"})
    assert (response.status, set(response.json()["errors"])) == (409, {"identifier"})


def test_the_first_active_integration_of_a_channel_is_primary_and_set_primary_moves_it(admin: Api):
    first = create(admin)
    second = create(admin, providerId="smtp", credentials=smtp_credentials())
    sms = create(admin, providerId="sns", channel="sms")
    assert (first["primary"], second["primary"], sms["primary"]) == (True, False, True)
    response = admin.post(f"{INTEGRATIONS}/{second['_id']}/set-primary")
    assert (response.status, response.json()["data"]["primary"]) == (200, True)
    primaries = {i["_id"]: i["primary"] for i in admin.get(INTEGRATIONS).json()["data"]}
    assert primaries == {first["_id"]: False, second["_id"]: True, sms["_id"]: True}


def test_an_inactive_integration_is_listed_but_not_active(admin: Api):
    active, inactive = create(admin), create(admin, active=False)
    assert [i["_id"] for i in admin.get(INTEGRATIONS).json()["data"]] == [active["_id"], inactive["_id"]]
    assert [i["_id"] for i in admin.get(f"{INTEGRATIONS}/active").json()["data"]] == [active["_id"]]
    assert inactive["primary"] is False


def test_an_update_changes_the_given_fields(admin: Api):
    created = create(admin, active=False)
    conditions = [
        {"value": "OR", "children": [{"field": "plan", "value": "pro", "operator": "EQUAL", "on": "payload"}]}
    ]
    body = {"name": "Renamed", "identifier": "renamed", "active": True, "conditions": conditions}
    updated = admin.put(f"{INTEGRATIONS}/{created['_id']}", body).json()["data"]
    assert (updated["name"], updated["identifier"], updated["active"], updated["primary"]) == (
        "Renamed",
        "renamed",
        True,
        True,
    )
    assert updated["conditions"][0]["children"][0]["field"] == "plan"
    create(admin, identifier=created["identifier"])  # the old identifier is free again


def test_a_delete_is_soft_answers_the_rest_and_hands_the_primary_on(runtime: LocalRuntime, admin: Api):
    first, second = create(admin), create(admin)
    response = admin.delete(f"{INTEGRATIONS}/{first['_id']}")
    assert response.status == 200, response.json()
    remaining = response.json()["data"]
    assert [(i["_id"], i["primary"]) for i in remaining] == [(second["_id"], True)]
    assert admin.get(f"{INTEGRATIONS}/{first['_id']}").status == 404
    (kept,) = [i for i in stored_items(runtime, admin) if i.get("_id") == first["_id"]]
    assert (kept["deleted"], kept["deletedBy"], kept["deletedAt"] is not None) == (True, admin.client_id, True)


def test_an_unknown_integration_is_a_404(admin: Api):
    assert admin.get(f"{INTEGRATIONS}/{'0' * 24}").status == 404
    assert admin.put(f"{INTEGRATIONS}/{'0' * 24}", {"name": "x"}).status == 404
    assert admin.post(f"{INTEGRATIONS}/{'0' * 24}/set-primary").status == 404


def test_another_environments_id_is_a_422(admin: Api):
    created = create(admin)
    response = admin.post(INTEGRATIONS, {"providerId": "ses", "channel": "email", "_environmentId": "1" * 24})
    assert field_errors(response) == {"_environmentId"}
    assert admin.get(f"{INTEGRATIONS}/{created['_id']}").status == 200


def test_the_check_accepts_a_verified_ses_identity_and_refuses_an_unverified_one(admin: Api):
    create(admin, check=True, credentials={"from": "notifications@clarion.local"})
    response = admin.post(
        INTEGRATIONS,
        {
            "providerId": "ses",
            "channel": "email",
            "active": True,
            "check": True,
            "credentials": {"from": "a@nowhere.example"},
        },
    )
    assert field_errors(response) == {"credentials.from"}


def test_the_check_refuses_a_missing_push_platform_application(admin: Api):
    arn = "arn:aws:sns:us-east-1:123456789012:app/GCM/missing-app"
    body = {"providerId": "sns", "channel": "push", "active": True, "check": True}
    response = admin.post(INTEGRATIONS, body | {"credentials": {"platformApplicationArn": arn}})
    assert field_errors(response) == {"credentials.platformApplicationArn"}
