"""Workflow groups: the notification groups of Novu, which every workflow (campaign) belongs to."""
