"""Who is calling: the client a key belongs to, its environment and its scopes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    client_id: str
    environment_id: str
    scopes: frozenset[str]

    def can(self, scope: str) -> bool:
        return scope in self.scopes

    def as_context(self) -> dict[str, str]:
        """The authorizer context API Gateway hands to the handler (simple responses allow only scalars)."""
        return {
            "clientId": self.client_id,
            "environmentId": self.environment_id,
            "scopes": " ".join(sorted(self.scopes)),
        }

    @classmethod
    def from_context(cls, context: dict[str, str]) -> "Principal":
        return cls(
            client_id=context["clientId"],
            environment_id=context["environmentId"],
            scopes=frozenset(context.get("scopes", "").split()),
        )
