"""The widget API: a browser's subscriber session (token) and the subscriber's own in-app feed."""
