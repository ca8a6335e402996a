"""API clients (clarion.clients.service and its repository) on the in-memory store: issuing keys whose scopes and
rate limits never exceed the issuer's, rotating, revoking, listing and the audit trail."""

import uuid

import pytest

from clarion.clients import keys, service
from clarion.clients.models import CreateClientRequest
from clarion.clients.repository import Change, ClientsRepository
from clarion.environments.models import CreateEnvironmentRequest
from clarion.environments.service import create_environment
from clarion.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.limits import RouteClass, stack_limit
from clarion.principal import Principal
from clarion.scopes import BUNDLE_GRANTS

ADMIN_SCOPES = frozenset({"list:profile", "info:profile", "create:profile", "clients:manage", "campaign:trigger"})


def admin(environment_id: str | None = None, *, scopes=ADMIN_SCOPES, limits=()) -> Principal:
    return Principal(new_id(), environment_id or new_id(), frozenset(scopes), tuple(limits))


def create(caller: Principal, **fields):
    return service.create_client(caller, CreateClientRequest(**({"name": f"client {uuid.uuid4()}"} | fields)))


def principal_of(key: str) -> Principal | None:
    return ClientsRepository().find_principal(keys.key_hash(key))


@pytest.fixture(autouse=True)
def _tables(memory_tables):
    return memory_tables


def test_a_new_client_belongs_to_the_callers_environment_and_its_key_finds_it():
    caller = admin()
    created = create(caller, scopes=["list:profile"])
    assert created.environmentId == caller.environment_id
    assert created.status == "active" and created.createdBy == caller.client_id
    assert principal_of(created.key) == Principal(
        created.clientId, caller.environment_id, frozenset({"list:profile"}), ()
    )


def test_only_the_hash_and_a_hint_of_the_key_are_stored():
    caller = admin()
    created = create(caller)
    stored = ClientsRepository().get(caller.environment_id, created.clientId)
    assert stored is not None
    assert stored["keyHash"] == keys.key_hash(created.key)
    assert stored["keyHint"] == created.keyHint == keys.key_hint(created.key)
    assert created.key not in str(stored)


def test_a_bundle_is_stored_as_the_scopes_it_grants():
    caller = admin(scopes=ADMIN_SCOPES | set(BUNDLE_GRANTS["user_data"]))
    created = create(caller, scopes=["user_data"])
    assert created.scopes == list(BUNDLE_GRANTS["user_data"])
    assert principal_of(created.key).scopes == frozenset(BUNDLE_GRANTS["user_data"])


def test_a_client_cannot_grant_a_scope_it_does_not_hold_and_nothing_is_stored():
    caller = admin(scopes={"clients:manage"})
    with pytest.raises(Forbidden) as refused:
        create(caller, scopes=["clients:manage", "list:profile"])
    assert refused.value.field == "scopes"
    assert "list:profile" in refused.value.message and "clients:manage" not in refused.value.message
    assert service.list_clients(caller, limit=10, cursor=None) == ([], None)


def test_an_unknown_scope_is_refused_before_anything_is_stored():
    caller = admin()
    with pytest.raises(ValidationFailed) as refused:
        create(caller, scopes=["send:everything"])
    assert refused.value.field == "scopes[0]"
    assert service.list_clients(caller, limit=10, cursor=None) == ([], None)


def test_issuing_for_another_environment_needs_the_environments_scope():
    caller = admin()
    with pytest.raises(Forbidden) as refused:
        create(caller, environmentId=new_id())
    assert refused.value.field == "environmentId"
    assert service.ISSUE_FOR_ANY_ENVIRONMENT in refused.value.message


def test_naming_the_callers_own_environment_needs_no_extra_scope():
    caller = admin()
    assert create(caller, environmentId=caller.environment_id).environmentId == caller.environment_id


def test_a_key_for_an_environment_that_does_not_exist_is_refused_naming_it():
    caller = admin(scopes=ADMIN_SCOPES | {service.ISSUE_FOR_ANY_ENVIRONMENT})
    missing = new_id()
    with pytest.raises(ValidationFailed) as refused:
        create(caller, environmentId=missing)
    assert (refused.value.field, refused.value.value) == ("environmentId", missing)


def test_a_key_is_issued_for_another_existing_environment_by_a_caller_with_the_environments_scope():
    caller = admin(scopes=ADMIN_SCOPES | {service.ISSUE_FOR_ANY_ENVIRONMENT})
    other = create_environment(CreateEnvironmentRequest(name=f"env {uuid.uuid4()}")).id
    created = create(caller, environmentId=other, scopes=["list:profile"])
    assert created.environmentId == other
    assert principal_of(created.key).environment_id == other
    assert service.get_client(admin(other), created.clientId).clientId == created.clientId
    with pytest.raises(NotFound):
        service.get_client(caller, created.clientId)


def test_a_client_gets_its_own_rate_limits_up_to_the_callers():
    caller = admin(limits=[("trigger", 50)])
    created = create(caller, rateLimits={"trigger": 50, "global": 5})
    assert created.rateLimits == {"trigger": 50, "global": 5}
    assert dict(principal_of(created.key).rate_limits) == {"trigger": 50, "global": 5}


def test_a_rate_limit_above_the_callers_own_is_refused_naming_its_class():
    caller = admin(limits=[("trigger", 50)])
    with pytest.raises(Forbidden) as refused:
        create(caller, rateLimits={"trigger": 51})
    assert refused.value.field == "rateLimits.trigger"
    assert "(50)" in refused.value.message


def test_without_its_own_limit_the_caller_may_grant_up_to_the_stacks_limit_and_no_more():
    caller = admin()
    ceiling = stack_limit(RouteClass.CONFIGURATION)
    assert create(caller, rateLimits={"configuration": ceiling}).rateLimits == {"configuration": ceiling}
    with pytest.raises(Forbidden) as refused:
        create(caller, rateLimits={"configuration": ceiling + 1})
    assert refused.value.field == "rateLimits.configuration"


def test_a_caller_held_to_its_own_limit_cannot_issue_a_key_that_escapes_it_by_omitting_the_class():
    caller = admin(limits=[("trigger", 10)])
    try:
        created = create(caller, scopes=["campaign:trigger"])
    except Forbidden:
        return  # refusing the key keeps the rule too
    own = dict(principal_of(created.key).rate_limits).get("trigger")
    assert (own or stack_limit(RouteClass.TRIGGER)) <= 10


def test_a_class_the_stack_does_not_limit_takes_any_limit(monkeypatch):
    from clarion.settings import settings

    monkeypatch.setenv("RATE_LIMIT_GLOBAL", "0")
    settings.cache_clear()
    assert create(admin(), rateLimits={"global": 100_000}).rateLimits == {"global": 100_000}


def test_a_client_without_limits_stores_none_and_its_principal_has_none():
    created = create(admin())
    assert created.rateLimits is None
    assert principal_of(created.key).rate_limits == ()


def test_issue_client_stores_the_key_it_is_given():
    caller = admin()
    chosen = keys.new_key()
    issued = service.issue_client(caller, "bootstrap", caller.environment_id, ["list:profile"], chosen)
    assert issued.key == chosen
    assert principal_of(chosen).client_id == issued.clientId


def test_setting_scopes_replaces_them_for_the_client_and_its_key():
    caller = admin()
    created = create(caller, scopes=["list:profile"])
    changed = service.set_scopes(caller, created.clientId, ["info:profile", "create:profile"])
    assert changed.scopes == ["create:profile", "info:profile"]
    assert changed.updatedBy == caller.client_id
    assert service.get_client(caller, created.clientId).scopes == changed.scopes
    assert principal_of(created.key).scopes == frozenset(changed.scopes)


def test_setting_scopes_is_audited_with_the_scopes_before_and_after():
    caller = admin()
    created = create(caller, scopes=["list:profile"])
    service.set_scopes(caller, created.clientId, ["info:profile"])
    entries, _ = service.client_audit(caller, created.clientId, limit=10, cursor=None)
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("scopes_changed", ["list:profile"], ["info:profile"]),
        ("created", None, ["list:profile"]),
    ]
    assert all(entry.changedBy == caller.client_id for entry in entries)


def test_setting_the_same_scopes_changes_and_audits_nothing():
    caller = admin()
    created = create(caller, scopes=["list:profile"])
    unchanged = service.set_scopes(caller, created.clientId, ["list:profile", "list:profile"])
    assert unchanged.updatedAt == created.updatedAt
    entries, _ = service.client_audit(caller, created.clientId, limit=10, cursor=None)
    assert [entry.action for entry in entries] == ["created"]


def test_setting_scopes_beyond_the_callers_own_is_refused_and_keeps_the_old_ones():
    caller = admin()
    created = create(caller, scopes=["list:profile"])
    with pytest.raises(Forbidden):
        service.set_scopes(caller, created.clientId, ["environments:manage"])
    assert principal_of(created.key).scopes == frozenset({"list:profile"})


def test_rotation_issues_a_new_key_and_the_old_one_finds_nothing():
    caller = admin()
    created = create(caller, scopes=["list:profile"], rateLimits={"global": 7})
    rotated = service.rotate_key(caller, created.clientId)
    assert rotated.key != created.key and rotated.keyHint == keys.key_hint(rotated.key)
    assert principal_of(created.key) is None
    assert principal_of(rotated.key) == Principal(
        created.clientId, caller.environment_id, frozenset({"list:profile"}), (("global", 7),)
    )
    entries, _ = service.client_audit(caller, created.clientId, limit=1, cursor=None)
    assert entries[0].action == "key_rotated"


def test_a_revoked_client_is_kept_but_its_key_finds_nothing():
    caller = admin()
    created = create(caller)
    revoked = service.revoke_client(caller, created.clientId)
    assert revoked.status == "revoked"
    assert service.get_client(caller, created.clientId).status == "revoked"
    assert principal_of(created.key) is None


def test_revoking_twice_answers_the_revoked_client_and_audits_once():
    caller = admin()
    created = create(caller)
    service.revoke_client(caller, created.clientId)
    assert service.revoke_client(caller, created.clientId).status == "revoked"
    entries, _ = service.client_audit(caller, created.clientId, limit=10, cursor=None)
    assert [entry.action for entry in entries] == ["revoked", "created"]


@pytest.mark.parametrize(
    "change",
    [
        service.rotate_key,
        lambda caller, client_id: service.set_scopes(caller, client_id, ["info:profile"]),
    ],
    ids=["rotate", "set scopes"],
)
def test_a_revoked_client_cannot_be_changed(change):
    caller = admin()
    created = create(caller)
    service.revoke_client(caller, created.clientId)
    with pytest.raises(Conflict) as refused:
        change(caller, created.clientId)
    assert refused.value.field == "clientId"


@pytest.mark.parametrize(
    "read",
    [
        service.get_client,
        service.rotate_key,
        service.revoke_client,
        lambda caller, client_id: service.set_scopes(caller, client_id, []),
        lambda caller, client_id: service.client_audit(caller, client_id, limit=5, cursor=None),
    ],
    ids=["get", "rotate", "revoke", "set scopes", "audit"],
)
def test_another_environments_client_is_not_found(read):
    owner = admin()
    created = create(owner)
    with pytest.raises(NotFound) as refused:
        read(admin(), created.clientId)
    assert refused.value.field == "clientId"
    assert principal_of(created.key) is not None


def test_clients_are_listed_page_by_page_without_their_keys():
    caller = admin()
    ids = {create(caller).clientId for _ in range(5)}
    first, cursor = service.list_clients(caller, limit=3, cursor=None)
    assert cursor is not None and len(first) == 3
    rest, end = service.list_clients(caller, limit=3, cursor=cursor)
    assert end is None and len(rest) == 2
    assert {client.clientId for client in first + rest} == ids
    assert all(not hasattr(client, "key") for client in first + rest)


def test_a_cursor_of_another_environment_is_refused():
    caller = admin()
    for _ in range(3):
        create(caller)
    _, cursor = service.list_clients(caller, limit=1, cursor=None)
    with pytest.raises(ValidationFailed) as refused:
        service.list_clients(admin(), limit=1, cursor=cursor)
    assert refused.value.field == "cursor"


def test_the_audit_is_newest_first_and_paged():
    caller = admin()
    created = create(caller, scopes=[])
    service.set_scopes(caller, created.clientId, ["list:profile"])
    service.rotate_key(caller, created.clientId)
    first, cursor = service.client_audit(caller, created.clientId, limit=2, cursor=None)
    rest, end = service.client_audit(caller, created.clientId, limit=2, cursor=cursor)
    assert [entry.action for entry in first + rest] == ["key_rotated", "scopes_changed", "created"]
    assert end is None


def test_a_change_based_on_a_stale_read_is_a_conflict_and_writes_nothing():
    caller = admin()
    created = create(caller, scopes=["list:profile"])
    repository = ClientsRepository()
    stale = repository.get(caller.environment_id, created.clientId)
    service.rotate_key(caller, created.clientId)
    change = Change("scopes_changed", caller.client_id, "2026-01-01T00:00:00.000Z", ["list:profile"], [])
    with pytest.raises(Conflict):
        repository.set_scopes(stale, [], change)
    assert service.get_client(caller, created.clientId).scopes == ["list:profile"]
    entries, _ = service.client_audit(caller, created.clientId, limit=10, cursor=None)
    assert [entry.action for entry in entries] == ["key_rotated", "created"]


def test_the_environments_api_keys_are_its_active_clients_key_hints_never_a_key():
    caller = admin()
    kept, revoked = create(caller), create(caller)
    service.revoke_client(caller, revoked.clientId)
    listed = service.api_keys(caller)
    assert [(key.id, key.key, key.userId, key.name) for key in listed] == [
        (kept.clientId, kept.keyHint, kept.clientId, kept.name)
    ]
    assert kept.key not in str([key.model_dump(by_alias=True) for key in listed])
    assert service.api_keys(admin()) == []


def test_regenerating_rotates_the_callers_own_key_only():
    issuer = admin()
    holder, other = create(issuer, scopes=["clients:manage"]), create(issuer)
    caller = Principal(holder.clientId, issuer.environment_id, frozenset({"clients:manage"}))
    [regenerated] = service.regenerate_own_key(caller)
    assert (regenerated.id, regenerated.userId) == (holder.clientId, holder.clientId)
    assert principal_of(holder.key) is None and principal_of(regenerated.key).client_id == holder.clientId
    assert principal_of(other.key).client_id == other.clientId
