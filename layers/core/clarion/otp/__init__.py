"""One-time passwords: sent by SMS or email through the channel's providers, kept only as salted hashes, validated
with a bounded number of attempts (docs/api.md, "One-time passwords")."""
