"""The devices function's handler on the sample event of events/ (what `sam local invoke --event` takes), over the
in-memory store."""

import json

import pytest
from devices.handler import lambda_handler

from clarion.principal import Principal
from clarion.subscribers import service as subscribers
from clarion.subscribers.models import CreateSubscriberRequest
from tests.conftest import load_event


@pytest.fixture(autouse=True)
def _tables(memory_tables: dict[str, str], no_rate_limits: None) -> None:
    """The template's tables, empty; no rate limits."""


def test_the_sample_device_is_registered_and_its_token_not_answered(lambda_context):
    event = load_event("devices/register_device.json")
    environment_id = event["requestContext"]["authorizer"]["lambda"]["environmentId"]
    subscribers.create_subscriber(
        Principal("c", environment_id, frozenset()), CreateSubscriberRequest(subscriberId="ada")
    )

    response = lambda_handler(event, lambda_context)

    assert response["statusCode"] == 200, response["body"]
    device = json.loads(response["body"])["data"]
    assert (device["deviceId"], device["platform"], device["pushTokenHint"], device["active"]) == (
        "phone-1",
        "ios",
        "0000",
        True,
    )
    assert json.loads(event["body"])["pushToken"] not in response["body"]
