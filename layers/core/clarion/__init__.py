"""Clarion's shared package: domains, persistence and the HTTP plumbing every function uses."""
