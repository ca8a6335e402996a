"""Helpers the contract tests share; no test module imports from another."""
