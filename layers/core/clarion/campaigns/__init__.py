"""Campaigns (Novu's workflows): an audience and channel steps whose content is templates."""
