"""Promotions: the offers a bonus engine keeps in sync (`PUT /v1/promotions/{externalId}`) and clients list. Not to be
confused with `clarion.promotion`, Novu's promotion of changes between environments."""
