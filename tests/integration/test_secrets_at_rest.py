"""Secrets at rest: after a workload that issues and rotates keys, stores and uses integration credentials and
connects a chat provider by OAuth, no table of the template holds a key, a credential or a token in clear."""

import json
import uuid
from typing import Any

from clarion.clients.keys import key_hash
from local import clients
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.smtp_server import free_port
from tests.integration.support.campaigns import EMAIL_STEP, campaign, records, trigger_event
from tests.integration.support.chat_oauth import (
    CLIENT_SECRET,
    GRANTED_WEBHOOK,
    callback,
    channels_of,
    create_subscriber,
    hmac_key,
    start,
)
from tests.integration.support.integrations import create, smtp_credentials


def stored_text(runtime: LocalRuntime) -> str:
    """Every item of every table the template declares, as one text (binary values as their bytes' repr: boto3's
    Binary has no text of its own)."""
    return json.dumps(
        {table: runtime.scan_table(table) for table in runtime.resources.tables}, default=repr, sort_keys=True
    )


def test_no_key_credential_or_token_is_stored_in_clear(runtime: LocalRuntime, admin: Api, slack):
    mark = uuid.uuid4().hex
    issued = admin.client("at-rest", ["list:profile"])
    rotated = admin.post(f"/v1/clients/{issued.client_id}/rotate").json()["data"]["key"]
    # an SMTP integration that fails (nothing listens) and an SES one that takes over: the credentials are used;
    password, user = f"smtp-password-{mark}", f"smtp-user-{mark}"
    port = free_port()
    failing = create(admin, providerId="smtp", credentials=smtp_credentials(port=port, user=user, password=password))
    changed = {"credentials": smtp_credentials(port=port, user=user, password=password + "2")}
    assert admin.put(f"/v1/integrations/{failing['_id']}", changed).status == 200
    # the SES one sends with an AWS key of its own (Novu's apiKey, secretKey, region)
    aws_key, aws_secret = f"AKIA{mark[:16].upper()}", f"ses-secret-{mark}"
    region = runtime.stack.resolver.region
    create(admin, credentials={"apiKey": aws_key, "secretKey": aws_secret, "region": region})
    create_subscriber(admin, "ada", email=f"ada-{mark}@example.com")
    workflow = campaign(admin, EMAIL_STEP)
    assert trigger_event(admin, workflow["identifier"], "ada", payload={"code": "1"}).status == 201
    runtime.drain()
    assert [record["status"] for record in records(runtime, admin)] == ["sent"]
    access_token = f"xoxb-{mark}"
    slack.answer(
        {"ok": True, "access_token": access_token, "incoming_webhook": {"url": GRANTED_WEBHOOK, "channel": "#a"}}
    )
    assert callback(admin, start(admin, "ada")).status == 200
    assert channels_of(admin)[0]["credentials"]["webhookUrl"] == GRANTED_WEBHOOK
    environment_hmac_key = hmac_key(admin)

    text = stored_text(runtime)
    assert key_hash(rotated) in text and GRANTED_WEBHOOK in text  # the scan sees those items
    for secret in (
        admin.key,
        issued.key,
        rotated,
        password,
        password + "2",
        user,
        aws_key,
        aws_secret,
        access_token,
        CLIENT_SECRET,
        environment_hmac_key,
    ):
        assert secret not in text
    assert user in secret_value(runtime, admin.environment_id, failing["_id"])


def secret_value(runtime: LocalRuntime, environment_id: str, integration_id: str) -> Any:
    """The integration's credentials where they are kept: its secret in Secrets Manager."""
    secrets = clients.client("secretsmanager", runtime.stack.resolver.region)
    names = [
        entry["Name"]
        for page in secrets.get_paginator("list_secrets").paginate()
        for entry in page["SecretList"]
        if entry["Name"].endswith(f"{environment_id}/{integration_id}")
    ]
    (name,) = names
    return secrets.get_secret_value(SecretId=name)["SecretString"]
