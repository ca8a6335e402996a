"""Named in-app feeds (clarion.feeds) on the in-memory store: Novu v1's rules (the name is the identifier, unique in
the environment; delete answers the remaining feeds), one environment never seeing another's."""

import json
import uuid

import pytest

from clarion.errors import Conflict, NotFound
from clarion.feeds import service
from clarion.feeds.models import CreateFeedRequest
from clarion.principal import Principal
from tests.unit.conftest import call_route


@pytest.fixture
def caller(memory_tables, use_clock) -> Principal:
    use_clock(1_780_000_000, step=1)  # feeds created one after another have distinct times
    return a_caller()


def a_caller() -> Principal:
    return Principal(client_id=uuid.uuid4().hex[:24], environment_id=uuid.uuid4().hex, scopes=frozenset())


def create(caller: Principal, name: str) -> str:
    return service.create_feed(caller, CreateFeedRequest(name=name)).id


def test_a_feed_reads_back_with_its_name_as_identifier_oldest_first(caller):
    first, second = create(caller, "News"), create(caller, "Alerts")
    listed = service.list_feeds(caller)
    assert [(feed.id, feed.name, feed.identifier) for feed in listed] == [
        (first, "News", "News"),
        (second, "Alerts", "Alerts"),
    ]
    assert {feed.environmentId for feed in listed} == {caller.environment_id}


def test_a_taken_name_is_a_409_naming_it_in_novus_words(caller):
    create(caller, "News")
    with pytest.raises(Conflict) as taken:
        create(caller, "News")
    assert taken.value.field == "name" and taken.value.message == "Feed with identifier: News already exists"


def test_another_environment_neither_sees_a_feed_nor_is_kept_from_its_name(caller):
    feed_id = create(caller, "News")
    other = a_caller()
    assert service.list_feeds(other) == []
    create(other, "News")
    with pytest.raises(NotFound):
        service.delete_feed(other, feed_id)
    assert [feed.id for feed in service.list_feeds(caller)] == [feed_id]


def test_delete_answers_the_remaining_feeds_and_frees_the_name(caller):
    news, alerts = create(caller, "News"), create(caller, "Alerts")
    assert [feed.id for feed in service.delete_feed(caller, news)] == [alerts]
    with pytest.raises(NotFound) as gone:
        service.delete_feed(caller, news)
    assert gone.value.field == "feedId"
    assert create(caller, "News") != news


@pytest.mark.parametrize(("body", "field"), [({}, "name"), ({"name": ""}, "name"), ({"name": "x", "kind": 1}, "kind")])
def test_a_bad_body_is_a_422_naming_the_field_before_anything_is_read(untouched, body, field):
    answer = call_route("POST /v1/feeds", json.dumps(body))
    assert answer["statusCode"] == 422 and field in json.loads(answer["body"])["errors"]
