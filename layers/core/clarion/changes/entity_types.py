"""The kinds of entity a change promotes, as Novu names them: apart from the change models, so the services that record
changes do not create those models at their functions' cold start."""

from typing import Literal

LAYOUT = "Layout"
CAMPAIGN = "NotificationTemplate"
"""Novu's entity type of a workflow: a campaign."""
FEED = "Feed"
EntityType = Literal["Layout", "NotificationTemplate", "Feed"]
