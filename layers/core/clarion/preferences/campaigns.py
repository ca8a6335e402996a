"""The campaigns preferences are about, read from CampaignsTable.

The campaigns domain writes them; preferences only read the attributes they need (docs/data-model.md):
pk `ENV#<environmentId>`, sk `CAMPAIGN#<campaignId>`, with `_id`, `name`, `identifier`, `status`, `critical`,
`channels` (the channels its steps use) and `preferenceSettings` (the default on/off of each channel).
"""

from clarion.dynamo import DynamoTable, Item
from clarion.settings import settings

CAMPAIGN_PREFIX = "CAMPAIGN#"


def campaigns_pk(environment_id: str) -> str:
    return f"ENV#{environment_id}"


def campaign_sk(campaign_id: str) -> str:
    return f"{CAMPAIGN_PREFIX}{campaign_id}"


class CampaignsReader:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().campaigns_table)

    def get(self, environment_id: str, campaign_id: str) -> Item | None:
        return self.table.get(campaigns_pk(environment_id), campaign_sk(campaign_id))

    def all(self, environment_id: str) -> list[Item]:
        """Every campaign of the environment, in id order (hundreds, not millions: read page after page)."""
        return list(self.table.partition_items(campaigns_pk(environment_id), prefix=CAMPAIGN_PREFIX, page_size=500))
