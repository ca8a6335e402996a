"""Who is calling: the client a key belongs to, its environment and its scopes."""

from typing import NamedTuple


class Principal(NamedTuple):
    client_id: str
    environment_id: str
    scopes: frozenset[str]
    rate_limits: tuple[tuple[str, int], ...] = ()
    """The client's own limits by rate-limit class, where it has them (the stack's apply otherwise)."""

    def can(self, scope: str) -> bool:
        return scope in self.scopes

    def as_context(self) -> dict[str, str]:
        """The authorizer context API Gateway hands to the handler (simple responses allow only scalars)."""
        context = {
            "clientId": self.client_id,
            "environmentId": self.environment_id,
            "scopes": " ".join(sorted(self.scopes)),
        }
        if self.rate_limits:
            context["rateLimits"] = " ".join(f"{name}={limit}" for name, limit in self.rate_limits)
        return context

    @classmethod
    def from_context(cls, context: dict[str, str]) -> "Principal":
        return cls(
            client_id=context["clientId"],
            environment_id=context["environmentId"],
            scopes=frozenset(context.get("scopes", "").split()),
            rate_limits=tuple(
                (name, int(limit))
                for name, _, limit in (pair.partition("=") for pair in context.get("rateLimits", "").split())
            ),
        )
