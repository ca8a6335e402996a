"""The storage layer: where every item lives (keys) and the repositories that read and write the tables.

It imports no domain package: the domains build on it, never the other way round (docs/architecture.md).
"""
