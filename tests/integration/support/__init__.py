"""Helpers the integration tests share, grouped by what they help with. Test modules import them from here (their
fixtures live in tests/integration/conftest.py); no test module imports from another."""
