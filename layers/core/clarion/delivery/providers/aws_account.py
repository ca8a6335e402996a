"""The AWS account and region an SES or SNS integration sends from, in Novu's credential names: `apiKey` (an access
key id), `secretKey` (its secret) and `region`. Without them the stack's own role and region send."""

from typing import Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from clarion.aws import client_for
from clarion.models import Request

SECRET_FIELDS = frozenset({"apiKey", "secretKey"})


class AwsAccount(Request):
    apiKey: str | None = Field(
        default=None,
        min_length=16,
        max_length=128,
        pattern=r"^[A-Z0-9]+$",
        description="An AWS access key id (Novu's name for it); default: the stack's role",
    )
    secretKey: str | None = Field(default=None, min_length=1, max_length=128, description="The access key's secret")
    region: str | None = Field(
        default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", description="The AWS region; default: the stack's"
    )

    @model_validator(mode="after")
    def _key_with_its_secret(self) -> "AwsAccount":
        if (self.apiKey is None) != (self.secretKey is None):
            missing = "secretKey" if self.secretKey is None else "apiKey"
            raise PydanticCustomError("credential_pair", "apiKey and secretKey go together", {"field": missing})
        return self

    def client(self, service: str, *, single_attempt: bool = False) -> Any:
        return client_for(
            service,
            region=self.region,
            access_key_id=self.apiKey,
            secret_access_key=self.secretKey,
            single_attempt=single_attempt,
        )
