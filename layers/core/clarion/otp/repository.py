"""One-time passwords in MessagesTable (keys in clarion.store.keys, why in docs/data-model.md).

ENV#<env>#OTP   OTP#<otpId>                       a code: recipient, channel, purpose, status, attempts, salt, hash
ENV#<env>#OTP   TO#<purpose>#<sha256(recipient)>  the recipient's active code for the purpose, and its send throttle

Ids sort by creation time, so the history is one Query of the partition, newest first. Both items carry the TTL
attribute `expiresAt`: DynamoDB removes them 30 days after the send.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, cast

from clarion.dynamo import DynamoTable, Expression, set_or_remove
from clarion.settings import settings
from clarion.store.keys import OTP_PREFIX, otp_pk, otp_sk

if TYPE_CHECKING:
    from clarion.store.entities import OneTimePassword, OtpPointer

_SENT = "#status = :sent"


class OtpRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def get(self, environment_id: str, otp_id: str) -> OneTimePassword | None:
        return cast("OneTimePassword | None", self.table.get(otp_pk(environment_id), otp_sk(otp_id), consistent=True))

    def pointer(self, environment_id: str, pointer_sk: str) -> OtpPointer | None:
        return cast("OtpPointer | None", self.table.get(otp_pk(environment_id), pointer_sk, consistent=True))

    def create(
        self, environment_id: str, otp: OneTimePassword, pointer_sk: str, pointer: OtpPointer, previous: str | None
    ) -> bool:
        """Stores the code and points the recipient at it, in one transaction; False (nothing written) when another
        send moved the pointer since `previous` was read."""
        pk = otp_pk(environment_id)
        if previous is None:
            guard = Expression("attribute_not_exists(pk)")
        else:
            guard = Expression("otpId = :previous", values={":previous": previous})
        return self.table.transact_unless_refused(
            [
                self.table.put_op({"pk": pk, "sk": pointer_sk, **pointer}, guard),
                self.table.put_op({"pk": pk, "sk": otp_sk(otp["_id"]), **otp}),
            ]
        )

    def count_attempt(self, environment_id: str, otp_id: str, now_epoch: int, now: str) -> OneTimePassword | None:
        """Counts one attempt, atomically, while the code is sent, unexpired and under its attempts; the code as it
        is then, or None when it takes no attempt any more."""
        update = Expression(
            "ADD attempts :one SET updatedAt = :now",
            names={"#status": "status"},
            values={":one": 1, ":now": now, ":sent": "sent", ":epoch": now_epoch},
        )
        condition = f"{_SENT} AND attempts < maxAttempts AND codeExpiresEpoch > :epoch"
        found = self.table.update(otp_pk(environment_id), otp_sk(otp_id), update, condition)
        return cast("OneTimePassword | None", found)

    def close(self, environment_id: str, otp_id: str, status: str, changes: dict[str, str]) -> bool:
        """Moves a `sent` code to `status` (validated, locked, invalidated, failed); False when it was not `sent`."""
        update = set_or_remove({"status": status, **changes})
        update.names["#status"] = "status"
        update.values[":sent"] = "sent"
        return self.table.update(otp_pk(environment_id), otp_sk(otp_id), update, _SENT) is not None

    def history(self, environment_id: str, *, offset: int, limit: int) -> tuple[list[OneTimePassword], bool]:
        """Codes `offset` to `offset + limit`, newest first, and whether more follow."""
        items = self.table.partition_items(
            otp_pk(environment_id), prefix=OTP_PREFIX, newest_first=True, page_size=min(offset + limit + 1, 1000)
        )
        page = list(islice(items, offset, offset + limit + 1))
        return cast("list[OneTimePassword]", page[:limit]), len(page) > limit
