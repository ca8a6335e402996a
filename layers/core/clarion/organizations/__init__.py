"""The organization: the stack's one tenant above its environments (Novu's /v1/organizations)."""
