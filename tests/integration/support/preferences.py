"""Campaigns as the campaigns domain stores them, for the subscribers' preferences to name."""

from typing import Any

import boto3

from clarion.store.keys import environment_pk
from local.runtime import LocalRuntime
from tests.integration.support.api import Api

ALL_ON = {"email": True, "sms": True, "in_app": True, "chat": True, "push": True}


def put_campaign(runtime: LocalRuntime, api: Api, campaign_id: str, **attributes: Any) -> dict[str, Any]:
    """A campaign as the campaigns domain stores it in CampaignsTable (it has no API yet)."""
    item = {
        "pk": environment_pk(api.environment_id),
        "sk": f"CAMPAIGN#{campaign_id}",
        "_id": campaign_id,
        "name": f"Campaign {campaign_id[0]}",
        "identifier": f"campaign-{campaign_id[0]}",
        "status": "active",
        "critical": False,
        "channels": ["email", "in_app"],
        "preferenceSettings": ALL_ON,
    } | attributes
    dynamodb = boto3.resource("dynamodb", region_name=runtime.stack.resolver.region)
    dynamodb.Table(runtime.resources.tables["CampaignsTable"]).put_item(Item=item)
    return item
