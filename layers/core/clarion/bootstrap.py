"""The first admin key of a deployment (or of the local stack): every scope, in a named environment.

Run against a deployed stack with the clients table's name in CLIENTS_TABLE:
    CLIENTS_TABLE=<ClientsTableName output> python -m clarion.bootstrap --environment Production
"""

import argparse
from typing import NamedTuple

from clarion.clients import keys
from clarion.clients.repository import Change, ClientsRepository
from clarion.clients.service import issue_client
from clarion.clock import timestamp_now
from clarion.environments.models import CreateEnvironmentRequest
from clarion.environments.repository import EnvironmentsRepository
from clarion.environments.service import create_environment
from clarion.principal import Principal
from clarion.scopes import FINE_SCOPES

BOOTSTRAP = "bootstrap"


class AdminCredentials(NamedTuple):
    key: str
    client_id: str
    environment_id: str


def ensure_admin(environment_name: str = "Development", key: str | None = None) -> AdminCredentials:
    """An admin client holding every scope; with `key` given, that key (kept if it already exists)."""
    if key is not None and not keys.is_well_formed(key):
        raise ValueError("an admin key is 'sk_' followed by at least 17 printable characters, no spaces")
    found = EnvironmentsRepository().find_by_name(environment_name)
    environment_id = found["id"] if found else create_environment(CreateEnvironmentRequest(name=environment_name)).id
    scopes = sorted(FINE_SCOPES)
    if key is not None:
        existing = ClientsRepository().find_principal(keys.key_hash(key))
        if existing is not None:
            _grant_every_scope(existing, scopes)
            return AdminCredentials(key, existing.client_id, existing.environment_id)
    bootstrapper = Principal(BOOTSTRAP, environment_id, frozenset(scopes))
    admin = issue_client(bootstrapper, "Administrator", environment_id, scopes, key)
    return AdminCredentials(admin.key, admin.clientId, admin.environmentId)


def _grant_every_scope(admin: Principal, scopes: list[str]) -> None:
    """Scopes added by a newer release reach an existing admin key."""
    repository = ClientsRepository()
    client = repository.get(admin.environment_id, admin.client_id)
    if client is not None and client["scopes"] != scopes:
        repository.set_scopes(
            client, scopes, Change("scopes_changed", BOOTSTRAP, timestamp_now(), client["scopes"], scopes)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--environment", default="Development", help="environment name (created if missing)")
    parser.add_argument("--key", help="use this key instead of generating one")
    credentials = ensure_admin(parser.parse_args().environment, parser.parse_args().key)
    print(
        f"environment {credentials.environment_id}\nclient      {credentials.client_id}\nkey         {credentials.key}"
    )


if __name__ == "__main__":
    main()
