"""Integrations on the in-memory CampaignsTable with their credentials in moto's Secrets Manager
(clarion.integrations.service): masking, the primary of each channel, identifiers, soft deletes; which integrations
may send a message (clarion.integrations.selection); and the chat channel's credentials a subscriber connects through
chat OAuth (clarion.chat_oauth.flow and repository), with the provider's token exchange replaced by a fake adapter."""

import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from novu.enums import CredentialsKeyEnum

from clarion import clock
from clarion.aws import client
from clarion.chat_oauth import config, flow
from clarion.chat_oauth.provider import ChatWebhook, ProviderRefused
from clarion.chat_oauth.repository import SubscriberChannelsRepository
from clarion.chat_oauth.signing import OAuthTarget, StateSigner, environment_hmac_key, subscriber_hmac
from clarion.delivery import credentials as secrets
from clarion.delivery.providers import ADAPTERS, provider_module
from clarion.errors import Conflict, Forbidden, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.integrations import selection, service
from clarion.integrations.models import MASK, CreateIntegrationRequest, UpdateIntegrationRequest
from clarion.principal import Principal
from clarion.store.integrations import IntegrationsRepository
from clarion.subscribers.fields import MAX_CHANNELS
from clarion.subscribers.repository import SubscribersRepository

SMTP = {"host": "smtp.example.invalid", "port": 587, "from": "sender@example.invalid", "user": "mailer"}


@pytest.fixture(autouse=True)
def _tables(memory_tables):
    return memory_tables


@pytest.fixture
def caller() -> Principal:
    return Principal(new_id(), new_id(), frozenset())


def create(caller: Principal, channel: str = "email", provider_id: str = "smtp", **fields):
    smtp = provider_id in ("smtp", "nodemailer")
    credentials = SMTP | {"password": f"secret-{uuid.uuid4().hex[:8]}"} if smtp else {}
    body = {"providerId": provider_id, "channel": channel, "active": True, "credentials": credentials} | fields
    return service.create_integration(caller, CreateIntegrationRequest(**body))


def update(caller: Principal, integration_id: str, **fields):
    return service.update_integration(caller, integration_id, UpdateIntegrationRequest(**fields))


def primaries(caller: Principal, channel: str = "email") -> list[str]:
    return [i.id for i in service.list_integrations(caller) if i.channel == channel and i.primary]


def secret_names() -> set[str]:
    return {secret["Name"] for secret in client("secretsmanager").list_secrets()["SecretList"]}


def test_an_integration_is_created_in_novus_shape_with_its_secret_fields_masked(caller):
    created = create(caller, name="Mail", credentials=SMTP | {"password": "hunter2-x"})
    assert (created.name, created.providerId, created.channel, created.active) == ("Mail", "smtp", "email", True)
    assert created.environmentId == caller.environment_id and not created.deleted
    assert created.credentials == {
        "host": SMTP["host"],
        "port": 587,
        "from": SMTP["from"],
        "user": MASK,
        "password": MASK,
    }


def test_credentials_are_kept_in_clear_only_in_secrets_manager(caller):
    created = create(caller, credentials=SMTP | {"password": "hunter2-x"})
    assert secrets.read(caller.environment_id, created.id)["password"] == "hunter2-x"
    stored = IntegrationsRepository().get(caller.environment_id, created.id)
    assert "hunter2-x" not in json.dumps(stored) and "mailer" not in json.dumps(stored)


def test_a_generated_identifier_and_name_come_from_the_provider(caller):
    created = create(caller, provider_id="ses")
    assert created.name == "ses" and created.identifier.startswith("ses-")
    assert create(caller, provider_id="ses").identifier != created.identifier


def test_the_first_active_integration_of_a_channel_is_its_primary(caller):
    inactive = create(caller, active=False)
    first, second = create(caller), create(caller)
    sms = create(caller, "sms", "sns")
    assert not inactive.primary and first.primary and not second.primary and sms.primary
    assert primaries(caller) == [first.id]


def test_an_unknown_provider_for_the_channel_is_refused_naming_the_known_ones(caller):
    with pytest.raises(ValidationFailed) as refused:
        create(caller, "sms", "smtp")
    assert refused.value.field == "providerId" and "sns" in refused.value.message
    assert service.list_integrations(caller) == []


@pytest.mark.parametrize(
    ("credentials", "field"),
    [
        (SMTP | {"port": 0}, "credentials.port"),
        ({key: value for key, value in SMTP.items() if key != "host"}, "credentials.host"),
        (SMTP | {"token": "x"}, "credentials.token"),
    ],
    ids=["bad port", "missing host", "unknown field"],
)
def test_bad_credentials_are_refused_naming_the_credential_and_store_no_secret(caller, credentials, field):
    with pytest.raises(ValidationFailed) as refused:
        create(caller, credentials=credentials)
    assert refused.value.field == field
    assert not any(caller.environment_id in name for name in secret_names())


NOVU_SES = {"apiKey": "AKIAEXAMPLE000000001", "secretKey": "ses-secret", "region": "eu-west-1", "from": "a@b.example"}


def test_an_ses_integration_takes_novus_aws_credentials_and_keeps_the_key_secret(caller):
    created = create(caller, provider_id="ses", credentials=NOVU_SES | {"senderName": "Acme"})
    assert created.credentials == NOVU_SES | {"apiKey": MASK, "secretKey": MASK, "senderName": "Acme"}
    assert secrets.read(caller.environment_id, created.id) == NOVU_SES | {"senderName": "Acme"}
    stored = json.dumps(IntegrationsRepository().get(caller.environment_id, created.id))
    assert NOVU_SES["apiKey"] not in stored and NOVU_SES["secretKey"] not in stored
    update(caller, created.id, credentials=created.credentials | {"region": "us-east-1"})
    assert secrets.read(caller.environment_id, created.id) == NOVU_SES | {"senderName": "Acme", "region": "us-east-1"}


@pytest.mark.parametrize(
    ("credentials", "field"),
    [
        ({"apiKey": NOVU_SES["apiKey"]}, "credentials.secretKey"),
        ({"secretKey": "s"}, "credentials.apiKey"),
        ({"region": "Europe"}, "credentials.region"),
    ],
    ids=["a key without its secret", "a secret without its key", "not a region"],
)
def test_half_an_aws_key_or_a_bad_region_is_refused_naming_the_credential(caller, credentials, field):
    with pytest.raises(ValidationFailed) as refused:
        create(caller, provider_id="ses", credentials=credentials)
    assert refused.value.field == field


def test_a_credential_another_novu_provider_takes_is_refused_naming_it_and_what_the_provider_takes(caller):
    with pytest.raises(ValidationFailed) as refused:
        create(caller, provider_id="ses", credentials={"domain": "mg.example.com"})
    assert refused.value.field == "credentials.domain"
    assert refused.value.message.startswith("credentials.domain: ses takes no domain (it takes: ")
    assert all(name in refused.value.message for name in ("apiKey", "secretKey", "region", "from", "senderName"))


ONE_PROVIDER_ID_A_MODULE = sorted({module: provider for provider, module in ADAPTERS.items()}.values())
VALID_CREDENTIALS = {"port": 2525, "secure": True, "region": "eu-west-1", "host": "smtp.example.com"} | {
    "from": "a@b.example",
    "apiKey": NOVU_SES["apiKey"],
    "secretKey": "s",
}


@pytest.mark.parametrize("provider", ONE_PROVIDER_ID_A_MODULE, ids="/".join)
@pytest.mark.parametrize("name", [str(key) for key in CredentialsKeyEnum])
def test_every_credential_novus_sdk_sends_is_taken_or_refused_naming_it(caller, provider, name):
    channel, provider_id = provider
    fields = provider_module(channel, provider_id).Credentials.model_fields
    taken = {field.alias or field_name for field_name, field in fields.items()}
    credentials = {name: VALID_CREDENTIALS.get(name, "value-1")}
    if name in ("apiKey", "secretKey") and name in taken:  # a pair: one without the other is refused
        credentials = {"apiKey": NOVU_SES["apiKey"], "secretKey": "s"}
    base = SMTP if "host" in taken else {}
    if name in taken:
        assert name in create(caller, channel, provider_id, credentials=base | credentials).credentials
        return
    with pytest.raises(ValidationFailed) as refused:
        create(caller, channel, provider_id, credentials=base | credentials)
    assert refused.value.field == f"credentials.{name}"
    assert f"{provider_id} takes no {name} (it takes: " in refused.value.message


def test_novus_provider_ids_of_clarions_providers_are_accepted(caller):
    smtp = create(caller, provider_id="nodemailer", credentials=SMTP | {"port": "2525"})
    assert (smtp.providerId, smtp.credentials["port"], smtp.credentials["user"]) == ("nodemailer", 2525, MASK)
    assert create(caller, "in_app", "novu").providerId == "novu"
    assert create(caller, "chat", "slack").providerId == "slack"


def test_an_update_may_repeat_the_provider_and_channel_as_novus_sdk_does_but_not_change_them(caller):
    created = create(caller)
    assert update(caller, created.id, providerId="smtp", channel="email", name="Same").name == "Same"
    for field, value in (("providerId", "ses"), ("channel", "sms")):
        with pytest.raises(ValidationFailed) as refused:
            update(caller, created.id, **{field: value})
        assert refused.value.field == field
    assert service.get_integration(caller, created.id).providerId == "smtp"


def test_an_integration_answers_that_it_takes_no_delivery_webhooks(caller):
    created = create(caller, provider_id="ses")
    assert service.webhook_support(caller, created.id) is False
    assert service.webhook_support(caller, "ses") is False
    for target, wanted in ((caller, "sendgrid"), (Principal(new_id(), new_id(), frozenset()), created.id)):
        with pytest.raises(NotFound) as refused:
            service.webhook_support(target, wanted)
        assert refused.value.field == "providerOrIntegrationId"


def test_another_environments_id_is_refused(caller):
    with pytest.raises(ValidationFailed) as refused:
        create(caller, _environmentId=new_id())
    assert refused.value.field == "_environmentId"
    assert create(caller, _environmentId=caller.environment_id).environmentId == caller.environment_id


def test_a_taken_identifier_is_a_conflict_that_leaves_no_secret_behind(caller):
    create(caller, identifier="mail")
    before = secret_names()
    with pytest.raises(Conflict) as refused:
        create(caller, identifier="mail")
    assert refused.value.field == "identifier"
    assert secret_names() == before
    assert create(Principal(new_id(), new_id(), frozenset()), identifier="mail").identifier == "mail"


def test_an_update_with_a_masked_secret_keeps_the_stored_one_and_a_new_value_replaces_it(caller):
    created = create(caller, credentials=SMTP | {"password": "first-pass"})
    update(caller, created.id, credentials=SMTP | {"user": MASK, "password": MASK, "port": 2525})
    kept = secrets.read(caller.environment_id, created.id)
    assert (kept["password"], kept["user"], kept["port"]) == ("first-pass", "mailer", 2525)
    changed = update(caller, created.id, credentials=SMTP | {"password": "second-pass"})
    assert changed.credentials["password"] == MASK and changed.credentials["port"] == 587
    assert secrets.read(caller.environment_id, created.id)["password"] == "second-pass"


def test_an_update_changes_only_the_given_fields(caller):
    created = create(caller, name="Mail", identifier="mail")
    changed = update(caller, created.id, name="Mailer")
    assert (changed.name, changed.identifier, changed.active, changed.primary) == ("Mailer", "mail", True, True)
    assert service.get_integration(caller, created.id).name == "Mailer"


def test_a_new_identifier_frees_the_old_one(caller):
    created = create(caller, identifier="old-name")
    assert update(caller, created.id, identifier="new-name").identifier == "new-name"
    assert create(caller, identifier="old-name").identifier == "old-name"
    with pytest.raises(Conflict):
        create(caller, identifier="new-name")


def test_activating_an_integration_of_a_channel_without_primary_makes_it_primary(caller):
    created = create(caller, active=False)
    assert update(caller, created.id, active=True).primary
    assert primaries(caller) == [created.id]


def test_deactivating_the_primary_hands_it_to_the_oldest_other_active_integration(caller):
    first, second, third = create(caller), create(caller), create(caller)
    create(caller, active=False)
    changed = update(caller, first.id, active=False)
    assert not changed.primary and not changed.active
    assert primaries(caller) == [second.id]
    assert third.id not in primaries(caller)


def test_set_primary_moves_the_primary_and_activates_the_integration(caller):
    first, second = create(caller), create(caller, active=False)
    moved = service.set_primary(caller, second.id)
    assert moved.primary and moved.active
    assert primaries(caller) == [second.id]
    assert service.get_integration(caller, first.id).active


def test_a_delete_is_soft_answers_the_rest_and_hands_the_primary_on(caller):
    first, second = create(caller, identifier="mail"), create(caller)
    remaining = service.delete_integration(caller, first.id)
    assert [i.id for i in remaining] == [second.id] and remaining[0].primary
    stored = IntegrationsRepository().get(caller.environment_id, first.id)
    assert stored["deleted"] and stored["deletedBy"] == caller.client_id and not stored["active"]
    with pytest.raises(NotFound):
        service.get_integration(caller, first.id)
    assert create(caller, identifier="mail").identifier == "mail"


def test_a_deleted_integrations_secret_is_scheduled_for_deletion(caller):
    created = create(caller)
    service.delete_integration(caller, created.id)
    described = client("secretsmanager").describe_secret(
        SecretId=secrets.secret_name(caller.environment_id, created.id)
    )
    assert "DeletedDate" in described


def test_the_list_can_be_only_the_active_integrations(caller):
    active, inactive = create(caller), create(caller, active=False)
    assert [i.id for i in service.list_integrations(caller)] == [active.id, inactive.id]
    assert [i.id for i in service.list_integrations(caller, active_only=True)] == [active.id]
    assert service.list_integrations(Principal(new_id(), new_id(), frozenset())) == []


@pytest.mark.parametrize(
    "call",
    [
        service.get_integration,
        service.delete_integration,
        service.set_primary,
        lambda caller, integration_id: update(caller, integration_id, name="x"),
    ],
    ids=["get", "delete", "set primary", "update"],
)
def test_an_unknown_or_another_environments_integration_is_not_found(caller, call):
    theirs = create(Principal(new_id(), new_id(), frozenset()))
    for integration_id in (new_id(), theirs.id):
        with pytest.raises(NotFound) as refused:
            call(caller, integration_id)
        assert refused.value.field == "integrationId"


def test_a_write_from_a_stale_read_is_a_conflict(caller):
    created = create(caller)
    repository = IntegrationsRepository()
    stale = repository.get(caller.environment_id, created.id)
    update(caller, created.id, name="newer")
    with pytest.raises(Conflict):
        repository.write(caller.environment_id, [stale | {"name": "older"}])
    assert service.get_integration(caller, created.id).name == "newer"


VIP = [{"children": [{"on": "subscriber", "field": "data.tier", "operator": "EQUAL", "value": "vip"}]}]


def job_of(caller: Principal) -> dict:
    return {"environmentId": caller.environment_id}


def candidate_ids(caller: Principal, channel: str = "email", *, job=None, tier: str = "basic", named=None):
    found = selection.candidates(job or job_of(caller), channel, {"data": {"tier": tier}}, {}, named=named)
    return None if found is None else [c["_id"] for c in found]


def test_a_channel_without_an_active_integration_is_left_to_the_stack_default(caller):
    create(caller, active=False)
    create(caller, "sms", "sns")
    assert candidate_ids(caller) is None


def test_candidates_are_matching_conditional_ones_first_then_the_primary_then_the_oldest(caller):
    primary, older, conditional = create(caller), create(caller), create(caller, conditions=VIP)
    assert candidate_ids(caller, tier="vip") == [conditional.id, primary.id, older.id]
    service.set_primary(caller, older.id)
    assert candidate_ids(caller, tier="basic") == [older.id, primary.id]


def test_when_only_conditional_integrations_exist_and_none_matches_nothing_may_send(caller):
    create(caller, conditions=VIP)
    assert candidate_ids(caller, tier="basic") == []


def test_a_named_integration_is_the_only_candidate_whatever_its_conditions(caller):
    create(caller)
    named = create(caller, identifier="vip-mail", conditions=VIP)
    assert candidate_ids(caller, named="vip-mail") == [named.id]
    assert candidate_ids(caller, named="no-such-mail") == []
    assert candidate_ids(caller, "sms", named="vip-mail") == []


def test_deleted_and_inactive_integrations_never_send(caller):
    deleted, _ = create(caller), create(caller, active=False)
    service.delete_integration(caller, deleted.id)
    assert candidate_ids(caller) is None


def test_one_dispatch_job_reads_the_integrations_once_and_the_next_job_reads_them_again(caller):
    job = job_of(caller)
    first = create(caller)
    assert candidate_ids(caller, job=job) == [first.id]
    second = create(caller)
    assert candidate_ids(caller, job=job) == [first.id]
    assert candidate_ids(caller, job=job_of(caller)) == [first.id, second.id]


# Chat OAuth: a subscriber connects its Slack channel; the webhook becomes its chat credentials.

CLIENT_ID = "app-client"
API_URL = "https://api.example.invalid"


class FakeSlack:
    """Slack's adapter without the network: the authorize URL as Slack's, the exchange answered here."""

    provider_id = "slack"

    def __init__(self) -> None:
        self.exchanged: list[tuple[str, str]] = []
        self.webhook = ChatWebhook("https://hooks.example.invalid/T1/B1", "#general")

    def authorize_url(self, app, *, redirect_uri: str, state: str) -> str:
        return flow.SlackOAuth().authorize_url(app, redirect_uri=redirect_uri, state=state)

    def exchange_code(self, app, *, code: str, redirect_uri: str) -> ChatWebhook:
        self.exchanged.append((code, redirect_uri))
        return self.webhook


@pytest.fixture
def slack(monkeypatch) -> FakeSlack:
    fake = FakeSlack()
    monkeypatch.setitem(flow.PROVIDERS, "slack", fake)
    return fake


@pytest.fixture
def chat_secrets(monkeypatch):
    """The signing secret and the chat OAuth apps in Secrets Manager."""
    manager = client("secretsmanager")

    def put(variable: str, value: str) -> None:
        arn = manager.create_secret(Name=f"{variable}-{uuid.uuid4()}", SecretString=value)["ARN"]
        monkeypatch.setenv(variable, arn)
        config.signing_secret.cache_clear()
        config.oauth_apps.cache_clear()

    put("SIGNING_SECRET_ARN", uuid.uuid4().hex)
    put("CHAT_OAUTH_SECRET_ARN", json.dumps({"slack": {"clientId": CLIENT_ID, "clientSecret": "not-shown"}}))
    yield put
    config.signing_secret.cache_clear()
    config.oauth_apps.cache_clear()


def subscriber(caller: Principal, **fields) -> OAuthTarget:
    subscriber_id = f"sub-{uuid.uuid4()}"
    SubscribersRepository().create({"environmentId": caller.environment_id, "subscriberId": subscriber_id} | fields)
    return OAuthTarget(caller.environment_id, subscriber_id, "slack")


def hmac_hash(target: OAuthTarget) -> str:
    return subscriber_hmac(environment_hmac_key(config.signing_secret(), target.environment_id), target.subscriber_id)


def channels_of(target: OAuthTarget) -> list[dict]:
    return SubscribersRepository().get(target.environment_id, target.subscriber_id).get("channels") or []


def slack_channel(url: str, identifier: str | None = None) -> dict:
    channel = {"providerId": "slack", "credentials": {"webhookUrl": url}}
    return channel | ({"integrationIdentifier": identifier} if identifier else {})


def test_a_subscribers_channel_is_appended_and_replaced_for_the_same_provider_and_integration(caller):
    target = subscriber(caller, channels=[{"providerId": "discord", "credentials": {"webhookUrl": "https://d/1"}}])
    channels = SubscriberChannelsRepository()
    channels.set_channel(caller.environment_id, target.subscriber_id, slack_channel("https://s/1"))
    channels.set_channel(caller.environment_id, target.subscriber_id, slack_channel("https://s/2", "team-b"))
    channels.set_channel(caller.environment_id, target.subscriber_id, slack_channel("https://s/3"))
    assert [
        (c["providerId"], c.get("integrationIdentifier"), c["credentials"]["webhookUrl"]) for c in channels_of(target)
    ] == [
        ("discord", None, "https://d/1"),
        ("slack", None, "https://s/3"),
        ("slack", "team-b", "https://s/2"),
    ]


def test_a_subscriber_without_channels_gets_its_first(caller):
    target = subscriber(caller)
    SubscriberChannelsRepository().set_channel(
        caller.environment_id, target.subscriber_id, slack_channel("https://s/1")
    )
    assert channels_of(target) == [slack_channel("https://s/1")]


def test_a_subscriber_holds_credentials_for_a_bounded_number_of_providers(caller):
    full = [{"providerId": f"p{n}", "credentials": {}} for n in range(MAX_CHANNELS)]
    target = subscriber(caller, channels=full)
    with pytest.raises(Conflict) as refused:
        SubscriberChannelsRepository().set_channel(
            caller.environment_id, target.subscriber_id, slack_channel("https://s/1")
        )
    assert refused.value.field == "providerId"
    SubscriberChannelsRepository().set_channel(
        caller.environment_id, target.subscriber_id, {"providerId": "p0", "credentials": {"a": 1}}
    )
    assert channels_of(target)[0]["credentials"] == {"a": 1}


def test_the_channel_of_an_unknown_subscriber_is_not_found(caller):
    with pytest.raises(NotFound) as refused:
        SubscriberChannelsRepository().set_channel(caller.environment_id, "nobody", slack_channel("https://s/1"))
    assert refused.value.field == "subscriberId"


def test_start_sends_the_browser_to_slack_with_the_app_the_callback_and_a_state_for_the_target(
    caller, slack, chat_secrets
):
    target = subscriber(caller)
    location = urlsplit(flow.start(target, hmac_hash(target), API_URL))
    params = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert f"{location.scheme}://{location.netloc}{location.path}" == flow.SlackOAuth.authorize_endpoint
    assert (params["client_id"], params["scope"]) == (CLIENT_ID, "incoming-webhook")
    assert params["redirect_uri"] == flow.callback_url(API_URL, target)
    StateSigner(config.signing_secret()).verify(params["state"], target, now=clock.epoch_seconds())
    assert "not-shown" not in location.geturl()


@pytest.mark.parametrize("which", ["another subscriber's", "another environment's", "not a hash"])
def test_start_refuses_a_hmac_hash_that_is_not_the_subscribers(caller, slack, chat_secrets, which):
    target = subscriber(caller)
    other = {
        "another subscriber's": OAuthTarget(caller.environment_id, "someone-else", "slack"),
        "another environment's": OAuthTarget(new_id(), target.subscriber_id, "slack"),
        "not a hash": None,
    }[which]
    with pytest.raises(Forbidden) as refused:
        flow.start(target, hmac_hash(other) if other else "zz", API_URL)
    assert refused.value.field == "hmacHash"


def test_start_for_an_unknown_subscriber_is_not_found(caller, slack, chat_secrets):
    target = OAuthTarget(caller.environment_id, "nobody", "slack")
    with pytest.raises(NotFound) as refused:
        flow.start(target, hmac_hash(target), API_URL)
    assert refused.value.field == "subscriberId"


def test_a_provider_without_an_oauth_flow_or_without_a_configured_app_is_refused(caller, slack, chat_secrets):
    target = subscriber(caller)
    discord = OAuthTarget(caller.environment_id, target.subscriber_id, "discord")
    with pytest.raises(ValidationFailed) as unsupported:
        flow.start(discord, hmac_hash(discord), API_URL)
    assert unsupported.value.field == "providerId" and "slack" in unsupported.value.message
    chat_secrets("CHAT_OAUTH_SECRET_ARN", "{}")
    with pytest.raises(NotFound) as unconfigured:
        flow.start(target, hmac_hash(target), API_URL)
    assert unconfigured.value.field == "providerId"


@pytest.mark.parametrize(
    "secret", ["not json", "[1]", json.dumps({"slack": {"clientId": "x"}})], ids=["not JSON", "a list", "no secret"]
)
def test_a_malformed_apps_secret_is_an_operators_error_that_quotes_none_of_it(caller, slack, chat_secrets, secret):
    chat_secrets("CHAT_OAUTH_SECRET_ARN", secret)
    with pytest.raises(config.MisconfiguredSecret) as failed:
        config.oauth_app("slack")
    assert secret not in str(failed.value)


def test_finish_stores_the_granted_webhook_as_the_subscribers_slack_credentials(caller, slack, chat_secrets):
    target = subscriber(caller)
    state = StateSigner(config.signing_secret()).sign(target, now=clock.epoch_seconds())
    assert flow.finish(target, flow.ProviderAnswer("the-code"), state, API_URL) is None
    assert slack.exchanged == [("the-code", flow.callback_url(API_URL, target))]
    assert channels_of(target) == [
        {"providerId": "slack", "credentials": {"webhookUrl": slack.webhook.url, "channel": "#general"}}
    ]


def test_the_integration_identifier_travels_onto_the_credentials_and_the_redirect_goes_to_the_app(
    caller, slack, chat_secrets
):
    app = {"clientId": CLIENT_ID, "clientSecret": "s", "redirectUrl": "https://app.example.invalid/done"}
    chat_secrets("CHAT_OAUTH_SECRET_ARN", json.dumps({"slack": app}))
    base = subscriber(caller)
    target = OAuthTarget(base.environment_id, base.subscriber_id, "slack", "team-slack")
    state = StateSigner(config.signing_secret()).sign(target, now=clock.epoch_seconds())
    assert flow.finish(target, flow.ProviderAnswer("code"), state, API_URL) == app["redirectUrl"]
    assert "integrationIdentifier=team-slack" in slack.exchanged[0][1]
    assert channels_of(target)[0]["integrationIdentifier"] == "team-slack"


def test_finish_with_a_state_for_another_target_exchanges_no_code(caller, slack, chat_secrets):
    target, other = subscriber(caller), subscriber(caller)
    state = StateSigner(config.signing_secret()).sign(other, now=clock.epoch_seconds())
    with pytest.raises(Forbidden) as refused:
        flow.finish(target, flow.ProviderAnswer("code"), state, API_URL)
    assert refused.value.field == "state"
    assert slack.exchanged == [] and channels_of(target) == []


@pytest.mark.parametrize(
    ("answer", "error", "field"),
    [
        (flow.ProviderAnswer(None, "access_denied"), ProviderRefused, "error"),
        (flow.ProviderAnswer(None), ValidationFailed, "code"),
        (flow.ProviderAnswer(""), ValidationFailed, "code"),
    ],
    ids=["declined", "no code", "empty code"],
)
def test_finish_without_a_code_stores_nothing(caller, slack, chat_secrets, answer, error, field):
    target = subscriber(caller)
    state = StateSigner(config.signing_secret()).sign(target, now=clock.epoch_seconds())
    with pytest.raises(error) as refused:
        flow.finish(target, answer, state, API_URL)
    assert refused.value.field == field
    assert slack.exchanged == [] and channels_of(target) == []


def test_a_subscriber_deleted_during_the_flow_is_not_found_at_the_callback(caller, slack, chat_secrets):
    target = subscriber(caller)
    state = StateSigner(config.signing_secret()).sign(target, now=clock.epoch_seconds())
    SubscribersRepository().delete(target.environment_id, target.subscriber_id)
    with pytest.raises(NotFound):
        flow.finish(target, flow.ProviderAnswer("code"), state, API_URL)
