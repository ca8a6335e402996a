"""Novu v1's tenants and the workflow overrides a tenant sets (docs/api.md, "Tenants and workflow overrides")."""
