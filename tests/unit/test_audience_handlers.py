"""The audience and hits functions' handlers on the sample events of events/ (what `sam local invoke --event` takes),
over the in-memory store."""

import json

import pytest
from audience.handler import lambda_handler as audience_handler
from hits.handler import lambda_handler as hits_handler

from clarion.audience.catalogue import ATTRIBUTES, TAGS, Catalogue
from tests.conftest import load_event


@pytest.fixture(autouse=True)
def _tables(memory_tables: dict[str, str], no_rate_limits: None) -> None:
    """The template's tables, empty; no rate limits."""


def environment_of(event: dict) -> str:
    return str(event["requestContext"]["authorizer"]["lambda"]["environmentId"])


def test_the_sample_attribute_is_created_and_catalogued(lambda_context):
    event = load_event("audience/create_attribute.json")
    response = audience_handler(event, lambda_context)
    assert response["statusCode"] == 201, response["body"]
    assert json.loads(response["body"])["data"]["name"] == "plan"
    assert set(Catalogue(ATTRIBUTES).get_many(environment_of(event), ["plan"])) == {"plan"}


def test_the_sample_tag_hit_is_recorded_and_catalogues_its_tag(lambda_context):
    event = load_event("hits/track_tag.json")
    response = hits_handler(event, lambda_context)
    assert response["statusCode"] == 201, response["body"]
    assert json.loads(response["body"])["data"] == {"recorded": 1, "failed": [], "cataloguedTags": ["checkout"]}
    assert Catalogue(TAGS).get_many(environment_of(event), ["checkout"])["checkout"]["hits"] == 1
