"""The open WebSocket connections, in ConnectionsTable (keys in clarion.store.keys): one item per connection in its
subscriber's partition, found by its id through ConnectionIndex (`$disconnect` names only the connection)."""

from __future__ import annotations

from itertools import islice
from typing import NamedTuple

from clarion.aws import client
from clarion.dynamo import DynamoTable, Expression
from clarion.settings import settings
from clarion.store.keys import CONNECTION_PREFIX, connection_sk, connections_pk

CONNECTION_INDEX = "ConnectionIndex"
MAX_CONNECTIONS_PUSHED = 25
"""The connections of one subscriber a push reaches (tabs and devices with the inbox open); more are left to poll."""


class Connection(NamedTuple):
    pk: str
    sk: str
    connection_id: str


class ConnectionsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().connections_table)

    def add(
        self, environment_id: str, subscriber_id: str, connection_id: str, *, connected_at: float, expires_at: int
    ) -> None:
        """Stores an open connection; DynamoDB's TTL removes it when its token expires (`expiresAt`)."""
        self.table.put(
            {
                "pk": connections_pk(environment_id, subscriber_id),
                "sk": connection_sk(connection_id),
                "connectionId": connection_id,
                "connectedAt": int(connected_at),
                "expiresAt": expires_at,
            }
        )

    def of_subscriber(self, environment_id: str, subscriber_id: str, *, now: float) -> list[Connection]:
        """The subscriber's connections whose token has not expired (TTL deletes within days, not at once)."""
        unexpired = Expression("expiresAt > :now", values={":now": int(now)})
        items = self.table.partition_items(
            connections_pk(environment_id, subscriber_id),
            prefix=CONNECTION_PREFIX,
            where=unexpired,
            page_size=MAX_CONNECTIONS_PUSHED,
        )
        return [
            Connection(item["pk"], item["sk"], item["connectionId"]) for item in islice(items, MAX_CONNECTIONS_PUSHED)
        ]

    def find(self, connection_id: str) -> Connection | None:
        """The connection with this id, read from ConnectionIndex (eventually consistent)."""
        key = Expression("connectionId = :id", values={":id": connection_id})
        for item in self.table.query_items(key, index=CONNECTION_INDEX, page_size=1):
            return Connection(item["pk"], item["sk"], connection_id)
        return None

    def remove(self, connection: Connection) -> None:
        """Deletes the connection's item (nothing happens when it is already gone)."""
        operation = self.table.delete_op(connection.pk, connection.sk)["Delete"]
        client("dynamodb", single_attempt=self.table.single_attempt).delete_item(**operation)
