"""Message content templates: Jinja2 in a sandbox, validated at save time, rendered per subscriber at send time."""
