"""Named in-app feeds (Novu's /v1/feeds)."""
