"""Topics: named groups of subscribers that one trigger reaches (Novu v1 /v1/topics)."""
