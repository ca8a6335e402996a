"""Promotion: applying an environment's changes to the environment that has it as parent."""
