"""Environments (clarion.environments.service and repository) on the in-memory ClientsTable: creating with unique
names and a known parent, updating settings, listing, and the subscriber HMAC key derived from the signing secret
(in moto's Secrets Manager)."""

import hashlib
import hmac
import uuid

import pytest

from clarion.aws import client
from clarion.chat_oauth import config
from clarion.environments import service
from clarion.environments.models import CreateEnvironmentRequest, UpdateEnvironmentRequest
from clarion.environments.repository import EnvironmentsRepository
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.settings import settings


@pytest.fixture(autouse=True)
def signing_secret(memory_tables, monkeypatch):
    """The stack's signing secret in Secrets Manager, as the template creates it."""
    secret = uuid.uuid4().hex
    arn = client("secretsmanager").create_secret(Name=f"signing-{uuid.uuid4()}", SecretString=secret)["ARN"]
    monkeypatch.setenv("SIGNING_SECRET_ARN", arn)
    config.signing_secret.cache_clear()
    yield secret.encode()
    config.signing_secret.cache_clear()


def create(name: str | None = None, **fields):
    return service.create_environment(CreateEnvironmentRequest(name=name or f"env {uuid.uuid4()}", **fields))


def test_a_new_environment_is_stored_in_the_organization_with_an_identifier():
    created = create("Production", color="#AA00ff")
    assert created.organizationId == settings().organization_id
    assert created.color == "#AA00ff" and created.parentId is None and created.identifier
    assert EnvironmentsRepository().get(created.id)["name"] == "Production"


def test_each_environment_gets_its_own_identifier():
    assert create().identifier != create().identifier


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Production", "production"), ("My  Env 2!", "my-env-2"), ("--Staging--", "staging"), ("!!!", "environment")],
)
def test_the_slug_is_the_names_letters_and_digits_joined_by_dashes(name, slug):
    assert create(name).slug == slug


@pytest.mark.parametrize("again", ["Shared Name", "shared name", "SHARED NAME"])
def test_two_environments_never_share_a_name_whatever_its_case(again):
    create("Shared Name")
    with pytest.raises(Conflict) as refused:
        create(again)
    assert refused.value.field == "name"
    assert [e.name for e in service.list_environments()] == ["Shared Name"]


def test_a_parent_must_exist():
    with pytest.raises(ValidationFailed) as refused:
        create(parentId=new_id())
    assert refused.value.field == "parentId"
    assert service.list_environments() == []


def test_a_child_names_its_existing_parent():
    parent = create()
    assert create(parentId=parent.id).parentId == parent.id


def test_every_environment_is_listed():
    created = {create().id for _ in range(3)}
    assert {e.id for e in service.list_environments()} == created


def test_an_update_sets_the_inbox_expiry_and_keeps_the_rest():
    created = create()
    updated = service.update_environment(created.id, UpdateEnvironmentRequest(inboxExpiryDays=30))
    assert updated.inboxExpiryDays == 30
    assert updated.model_dump(exclude={"inboxExpiryDays"}) == created.model_dump(exclude={"inboxExpiryDays"})
    assert EnvironmentsRepository().get(created.id)["inboxExpiryDays"] == 30


def test_an_update_without_changes_answers_the_environment_as_it_is():
    created = create()
    assert service.update_environment(created.id, UpdateEnvironmentRequest()) == created


@pytest.mark.parametrize("request_", [UpdateEnvironmentRequest(inboxExpiryDays=3), UpdateEnvironmentRequest()])
def test_updating_an_unknown_environment_is_not_found_and_creates_nothing(request_):
    missing = new_id()
    with pytest.raises(NotFound) as refused:
        service.update_environment(missing, request_)
    assert refused.value.field == "environmentId"
    assert EnvironmentsRepository().get(missing) is None


def test_the_subscriber_hmac_key_is_the_hmac_of_the_environment_under_the_signing_secret(signing_secret):
    created = create()
    key = service.subscriber_hmac_key(created.id)
    assert key.environmentId == created.id
    assert key.hmacKey == hmac.new(signing_secret, created.id.encode(), hashlib.sha256).hexdigest()


def test_the_subscriber_hmac_key_is_stable_and_differs_between_environments():
    first, second = create(), create()
    assert service.subscriber_hmac_key(first.id) == service.subscriber_hmac_key(first.id)
    assert service.subscriber_hmac_key(first.id).hmacKey != service.subscriber_hmac_key(second.id).hmacKey


def test_an_unknown_environment_has_no_hmac_key():
    with pytest.raises(NotFound) as refused:
        service.subscriber_hmac_key(new_id())
    assert refused.value.field == "environmentId"


def test_the_repository_finds_an_environment_by_its_name_in_any_case():
    created = create("Find Me")
    assert EnvironmentsRepository().find_by_name("find me")["id"] == created.id
    assert EnvironmentsRepository().find_by_name("nobody") is None


def test_an_environment_reads_back_as_novus_current_environment():
    created = create("Staging")
    assert service.get_environment(created.id) == created
    with pytest.raises(NotFound) as missing:
        service.get_environment(new_id())
    assert missing.value.field == "environmentId"


def test_the_promotion_target_is_the_first_environment_created_with_it_as_parent(use_clock):
    use_clock(1_780_000_000, step=1)  # one environment after another
    development = create()
    assert EnvironmentsRepository().promotion_target(development.id) is None
    production = create(parentId=development.id)
    create(parentId=development.id)
    target = EnvironmentsRepository().promotion_target(development.id)
    assert target is not None and target["id"] == production.id
    assert EnvironmentsRepository().promotion_target(production.id) is None
