"""The email verifier: checks an address's syntax, domain, kind and deliverability, and rates it."""
