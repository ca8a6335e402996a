"""API clients in ClientsTable (see docs/data-model.md).

ENV#<environmentId>  CLIENT#<clientId>                the client
KEY#<sha256 of key>  KEY                              what the authorizer reads: one GetItem per new key
ENV#<environmentId>  AUDIT#<clientId>#<time>#<id>     one change to the client
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item, Page, is_transaction_cancelled
from clarion.errors import Conflict
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.keys import (
    API_KEY_SK,
    CLIENT_PREFIX,
    api_key_pk,
    client_audit_prefix,
    client_audit_sk,
    client_sk,
    environment_pk,
)

if TYPE_CHECKING:
    from clarion.store.entities import Client, ClientChange


class Change(NamedTuple):
    """One audited change to a client."""

    action: str
    by: str
    at: str
    before: list[str] | None
    after: list[str] | None


class ClientsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().clients_table)

    def get(self, environment_id: str, client_id: str) -> Client | None:
        return cast(
            "Client | None", self.table.get(environment_pk(environment_id), client_sk(client_id), consistent=True)
        )

    def list_page(self, environment_id: str, *, limit: int, cursor: str | None) -> Page[Client]:
        page = self.table.query_partition(
            environment_pk(environment_id), prefix=CLIENT_PREFIX, limit=limit, cursor=cursor
        )
        return cast("Page[Client]", page)

    def all(self, environment_id: str) -> list[Client]:
        """Every client of the environment (tens, not thousands), revoked ones included."""
        items = self.table.partition_items(environment_pk(environment_id), prefix=CLIENT_PREFIX)
        return cast("list[Client]", list(items))

    def audit(self, environment_id: str, client_id: str, *, limit: int, cursor: str | None) -> Page[ClientChange]:
        page = self.table.query_partition(
            environment_pk(environment_id),
            prefix=client_audit_prefix(client_id),
            limit=limit,
            cursor=cursor,
            newest_first=True,
        )
        return cast("Page[ClientChange]", page)

    def find_principal(self, hashed_key: str) -> Principal | None:
        item = self.table.get(api_key_pk(hashed_key), API_KEY_SK, consistent=True)
        if item is None or not hmac.compare_digest(item["keyHash"], hashed_key):
            return None
        limits = tuple(sorted((item.get("rateLimits") or {}).items()))
        return Principal(item["clientId"], item["environmentId"], frozenset(item["scopes"]), limits)

    def create(self, client: Client, hashed_key: str, change: Change) -> None:
        env, client_id = client["environmentId"], client["clientId"]
        self._write(
            self.table.put_op({"pk": environment_pk(env), "sk": client_sk(client_id), **client}, NEW_ITEM),
            self.table.put_op(self._key_item(hashed_key, client), NEW_ITEM),
            self._audit_op(env, client_id, change),
        )

    def set_scopes(self, client: Client, scopes: list[str], change: Change) -> None:
        env, client_id = client["environmentId"], client["clientId"]
        self._write(
            self._update_client_op(client, {"scopes": scopes, "updatedAt": change.at, "updatedBy": change.by}),
            self.table.update_op(
                api_key_pk(client["keyHash"]),
                API_KEY_SK,
                Expression("SET scopes = :scopes", values={":scopes": scopes}),
                condition="attribute_exists(pk)",
            ),
            self._audit_op(env, client_id, change),
        )

    def rotate(self, client: Client, new_hash: str, key_hint: str, change: Change) -> None:
        env, client_id = client["environmentId"], client["clientId"]
        fields = {"keyHash": new_hash, "keyHint": key_hint, "updatedAt": change.at, "updatedBy": change.by}
        self._write(
            self._update_client_op(client, fields),
            self.table.delete_op(api_key_pk(client["keyHash"]), API_KEY_SK, condition="attribute_exists(pk)"),
            self.table.put_op(self._key_item(new_hash, client), NEW_ITEM),
            self._audit_op(env, client_id, change),
        )

    def revoke(self, client: Client, change: Change) -> None:
        env, client_id = client["environmentId"], client["clientId"]
        self._write(
            self._update_client_op(client, {"status": "revoked", "updatedAt": change.at, "updatedBy": change.by}),
            self.table.delete_op(api_key_pk(client["keyHash"]), API_KEY_SK),
            self._audit_op(env, client_id, change),
        )

    def _update_client_op(self, client: Client, fields: Item) -> dict[str, Any]:
        """Changes an active client whose key is still the one read: a concurrent change makes this a 409."""
        names = {f"#{name}": name for name in fields}
        values: Item = {f":{name}": value for name, value in fields.items()}
        values |= {":active": "active", ":readHash": client["keyHash"]}
        assignments = ", ".join(f"#{name} = :{name}" for name in fields)
        return self.table.update_op(
            environment_pk(client["environmentId"]),
            client_sk(client["clientId"]),
            Expression(f"SET {assignments}", names | {"#status": "status"}, values),
            condition="#status = :active AND keyHash = :readHash",
        )

    @staticmethod
    def _key_item(hashed_key: str, client: Client) -> Item:
        """What the authorizer needs of the client, under its key's hash."""
        item = {
            "pk": api_key_pk(hashed_key),
            "sk": API_KEY_SK,
            "keyHash": hashed_key,
            "clientId": client["clientId"],
            "environmentId": client["environmentId"],
            "scopes": client["scopes"],
        }
        return item | ({"rateLimits": client["rateLimits"]} if client.get("rateLimits") else {})

    def _audit_op(self, environment_id: str, client_id: str, change: Change) -> dict[str, Any]:
        return self.table.put_op(
            {
                "pk": environment_pk(environment_id),
                "sk": client_audit_sk(client_id, change.at, new_id()),
                "clientId": client_id,
                "action": change.action,
                "changedBy": change.by,
                "changedAt": change.at,
                "before": change.before,
                "after": change.after,
            }
        )

    def _write(self, *operations: dict[str, Any]) -> None:
        try:
            self.table.transact(operations)
        except Exception as error:
            if is_transaction_cancelled(error):
                raise Conflict("the client was changed by another request; read it again and retry") from error
            raise
