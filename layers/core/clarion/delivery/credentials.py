"""Integration credentials in Secrets Manager: one secret per integration, named
`INTEGRATION_SECRET_PREFIX + <environmentId>/<integrationId>`, its value the credentials as JSON.
Senders read them through a per-container cache (CACHE_TTL_SECONDS, on clarion.clock) so a batch of messages
costs one GetSecretValue per integration, and a changed secret is used within the TTL. Never logged."""

import json
import threading
from collections.abc import Callable
from functools import cache

import cachetools

from clarion import clock
from clarion.aws import client
from clarion.dynamo import Item
from clarion.settings import settings

CACHE_TTL_SECONDS = 60
DELETION_RECOVERY_DAYS = 7


def secret_name(environment_id: str, integration_id: str) -> str:
    return f"{settings().integration_secret_prefix}{environment_id}/{integration_id}"


def create(environment_id: str, integration_id: str, credentials: Item) -> None:
    client("secretsmanager").create_secret(
        Name=secret_name(environment_id, integration_id),
        SecretString=json.dumps(credentials),
        Description="Credentials of a Clarion integration",
    )


def replace(environment_id: str, integration_id: str, credentials: Item) -> None:
    client("secretsmanager").put_secret_value(
        SecretId=secret_name(environment_id, integration_id), SecretString=json.dumps(credentials)
    )
    _cached_read.cache_clear()


def read(environment_id: str, integration_id: str) -> Item:
    response = client("secretsmanager").get_secret_value(SecretId=secret_name(environment_id, integration_id))
    credentials: Item = json.loads(response["SecretString"])
    return credentials


def delete(environment_id: str, integration_id: str, *, at_once: bool = False) -> None:
    """Schedules the secret's deletion (recoverable for DELETION_RECOVERY_DAYS), or deletes it at once."""
    options: Item = (
        {"ForceDeleteWithoutRecovery": True} if at_once else {"RecoveryWindowInDays": DELETION_RECOVERY_DAYS}
    )
    client("secretsmanager").delete_secret(SecretId=secret_name(environment_id, integration_id), **options)
    _cached_read.cache_clear()


def cached(environment_id: str, integration_id: str) -> Item:
    """The credentials, from this container's cache while fresh."""
    return _cached_read()(environment_id, integration_id)


@cache
def _cached_read() -> Callable[[str, str], Item]:
    entries = cachetools.TTLCache[tuple[str, str], Item](maxsize=256, ttl=CACHE_TTL_SECONDS, timer=clock.monotonic)
    return cachetools.cached(entries, lock=threading.Lock())(read)
