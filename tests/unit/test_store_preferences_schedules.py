"""clarion.store.preferences.PreferencesRepository and clarion.store.schedules.SchedulesRepository on the in-memory
store: a subscriber's preference items read per subscriber and per campaign, saved only over the item read; a
campaign's one schedule item, replaced only at the version read and moved from planning to scheduled only if it is
still that schedule."""

import uuid

import pytest

from clarion.errors import Conflict
from clarion.store.keys import (
    GLOBAL_PREFERENCE_SK,
    PROFILE_SK,
    campaign_preference_sk,
    membership_sk,
    subscriber_pk,
)
from clarion.store.preferences import PreferencesRepository
from clarion.store.schedules import SchedulesRepository


@pytest.fixture
def environment():
    return f"env-{uuid.uuid4().hex}"


# preferences


@pytest.fixture
def preferences(memory_tables):
    return PreferencesRepository()


def subscriber():
    return f"sub-{uuid.uuid4().hex[:10]}"


def preference(sk, **choices):
    return {"sk": sk} | (choices or {"enabled": True})


def saved(preferences, environment, subscriber_id, sk, **choices):
    return preferences.save(environment, subscriber_id, preference(sk, **choices), read=None)


def test_a_first_save_stores_the_item_at_version_one_in_the_subscribers_partition(preferences, environment):
    subscriber_id = subscriber()
    stored = saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK, channels={"email": False})
    assert stored["version"] == 1
    assert preferences.items_for(environment, subscriber_id) == [stored]
    assert stored["pk"] == subscriber_pk(environment, subscriber_id)


def test_a_first_save_when_another_request_saved_first_is_a_409(preferences, environment):
    subscriber_id = subscriber()
    first = saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK, enabled=False)
    with pytest.raises(Conflict):
        saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK, enabled=True)
    assert preferences.items_for(environment, subscriber_id) == [first]


def test_a_save_from_the_item_read_stores_the_next_version(preferences, environment):
    subscriber_id = subscriber()
    read = saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK, enabled=True)
    after = preferences.save(environment, subscriber_id, preference(GLOBAL_PREFERENCE_SK, enabled=False), read=read)
    assert (after["enabled"], after["version"]) == (False, 2)
    assert preferences.items_for(environment, subscriber_id) == [after]


def test_a_save_from_a_stale_read_is_a_409_that_keeps_the_newer_choice(preferences, environment):
    subscriber_id = subscriber()
    stale = saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK, enabled=True)
    newer = preferences.save(environment, subscriber_id, preference(GLOBAL_PREFERENCE_SK, enabled=False), read=stale)
    with pytest.raises(Conflict):
        preferences.save(
            environment, subscriber_id, preference(GLOBAL_PREFERENCE_SK, channels={"sms": True}), read=stale
        )
    assert preferences.items_for(environment, subscriber_id) == [newer]


def test_a_save_over_an_item_deleted_since_it_was_read_is_a_409(preferences, environment):
    subscriber_id = subscriber()
    read = saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK)
    preferences.table.batch_write(deletes=[(read["pk"], read["sk"])])
    with pytest.raises(Conflict):
        preferences.save(environment, subscriber_id, preference(GLOBAL_PREFERENCE_SK, enabled=False), read=read)
    assert preferences.items_for(environment, subscriber_id) == []


def test_items_for_is_the_subscribers_preference_items_and_nothing_else(preferences, environment):
    subscriber_id, neighbour = subscriber(), subscriber()
    wanted = [
        saved(preferences, environment, subscriber_id, campaign_preference_sk("welcome")),
        saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK),
    ]
    saved(preferences, environment, neighbour, GLOBAL_PREFERENCE_SK)
    saved(preferences, f"{environment}-other", subscriber_id, GLOBAL_PREFERENCE_SK)
    pk = subscriber_pk(environment, subscriber_id)
    preferences.table.batch_write([{"pk": pk, "sk": PROFILE_SK}, {"pk": pk, "sk": membership_sk("news")}])
    assert sorted(preferences.items_for(environment, subscriber_id), key=lambda item: item["sk"]) == sorted(
        wanted, key=lambda item: item["sk"]
    )


def test_a_subscriber_without_preferences_has_no_items(preferences, environment):
    assert preferences.items_for(environment, subscriber()) == []


def test_items_for_campaign_are_each_subscribers_global_and_that_campaigns_items(preferences, environment):
    both, only_global, only_campaign, none = subscriber(), subscriber(), subscriber(), subscriber()
    for subscriber_id in (both, only_global):
        saved(preferences, environment, subscriber_id, GLOBAL_PREFERENCE_SK)
    for subscriber_id in (both, only_campaign):
        saved(preferences, environment, subscriber_id, campaign_preference_sk("welcome"))
    saved(preferences, environment, none, campaign_preference_sk("another"))
    found = preferences.items_for_campaign(environment, [both, only_global, only_campaign, none], "welcome")
    sort_keys = {subscriber_id: sorted(item["sk"] for item in items) for subscriber_id, items in found.items()}
    assert sort_keys == {
        both: sorted([GLOBAL_PREFERENCE_SK, campaign_preference_sk("welcome")]),
        only_global: [GLOBAL_PREFERENCE_SK],
        only_campaign: [campaign_preference_sk("welcome")],
        none: [],
    }


def test_items_for_campaign_reads_a_page_of_subscribers_past_one_batch_of_keys(preferences, environment):
    subscriber_ids = [subscriber() for _ in range(60)]
    preferences.table.batch_write(
        {"pk": subscriber_pk(environment, subscriber_id), "sk": sk, "enabled": n % 2 == 0}
        for n, subscriber_id in enumerate(subscriber_ids)
        for sk in (GLOBAL_PREFERENCE_SK, campaign_preference_sk("welcome"))
    )
    found = preferences.items_for_campaign(environment, subscriber_ids, "welcome")
    assert list(found) == subscriber_ids
    assert all(len(items) == 2 for items in found.values())
    assert [found[s][0]["enabled"] for s in subscriber_ids] == [n % 2 == 0 for n in range(60)]


def test_items_for_campaign_of_no_subscribers_is_empty(preferences, environment):
    assert preferences.items_for_campaign(environment, [], "welcome") == {}


# schedules


@pytest.fixture
def schedules(memory_tables):
    return SchedulesRepository()


def schedule(campaign_id=None, **fields):
    schedule_id = uuid.uuid4().hex
    return {
        "_id": schedule_id,
        "scheduleId": schedule_id,
        "transactionId": schedule_id,
        "campaignId": campaign_id or uuid.uuid4().hex,
        "status": "planning",
        "schedules": [],
        "version": 1,
    } | fields


def test_a_campaigns_first_schedule_is_stored(schedules, environment):
    new = schedule()
    assert schedules.put(environment, new, replacing=None) is True
    stored = schedules.get(environment, new["campaignId"])
    assert {k: stored[k] for k in new} == new


def test_a_schedule_is_not_read_from_another_environment(schedules, environment):
    new = schedule()
    schedules.put(environment, new, replacing=None)
    assert schedules.get(f"{environment}-other", new["campaignId"]) is None


def test_a_campaign_without_a_schedule_has_none(schedules, environment):
    assert schedules.get(environment, uuid.uuid4().hex) is None


def test_a_first_schedule_when_another_request_stored_one_is_refused(schedules, environment):
    first = schedule()
    schedules.put(environment, first, replacing=None)
    assert schedules.put(environment, schedule(first["campaignId"]), replacing=None) is False
    assert schedules.get(environment, first["campaignId"])["_id"] == first["_id"]


def test_a_reschedule_replaces_the_schedule_read_at_the_next_version(schedules, environment):
    first = schedule()
    schedules.put(environment, first, replacing=None)
    read = schedules.get(environment, first["campaignId"])
    replacement = schedule(first["campaignId"], status="planning")
    assert schedules.put(environment, replacement, replacing=read) is True
    stored = schedules.get(environment, first["campaignId"])
    assert (stored["_id"], stored["version"]) == (replacement["_id"], read["version"] + 1)


def test_a_reschedule_from_a_stale_read_is_refused_and_keeps_the_newer_schedule(schedules, environment):
    first = schedule()
    schedules.put(environment, first, replacing=None)
    stale = schedules.get(environment, first["campaignId"])
    newer = schedule(first["campaignId"])
    schedules.put(environment, newer, replacing=stale)
    assert schedules.put(environment, schedule(first["campaignId"]), replacing=stale) is False
    assert schedules.get(environment, first["campaignId"])["_id"] == newer["_id"]


def test_mark_planned_moves_planning_to_scheduled_with_the_zones_schedules(schedules, environment):
    new = schedule()
    schedules.put(environment, new, replacing=None)
    zones = [{"name": f"{new['_id']}-000", "timezone": "UTC", "dueAt": "2026-06-01T09:00:00.000Z"}]
    assert schedules.mark_planned(environment, new["campaignId"], new["scheduleId"], zones) is True
    stored = schedules.get(environment, new["campaignId"])
    assert (stored["status"], stored["schedules"], stored["version"]) == ("scheduled", zones, 2)
    assert stored["updatedAt"]


def test_mark_planned_of_a_schedule_replaced_meanwhile_changes_nothing(schedules, environment):
    planned = schedule()
    schedules.put(environment, planned, replacing=None)
    replacement = schedule(planned["campaignId"])
    schedules.put(environment, replacement, replacing=schedules.get(environment, planned["campaignId"]))
    zones = [{"name": "late", "timezone": "UTC"}]
    assert schedules.mark_planned(environment, planned["campaignId"], planned["scheduleId"], zones) is False
    stored = schedules.get(environment, planned["campaignId"])
    assert (stored["_id"], stored["status"], stored["schedules"]) == (replacement["_id"], "planning", [])


@pytest.mark.parametrize("status", ["cancelled", "scheduled"])
def test_mark_planned_of_a_schedule_no_longer_planning_changes_nothing(schedules, environment, status):
    new = schedule(status=status)
    schedules.put(environment, new, replacing=None)
    assert schedules.mark_planned(environment, new["campaignId"], new["scheduleId"], [{"name": "z"}]) is False
    stored = schedules.get(environment, new["campaignId"])
    assert (stored["status"], stored["schedules"], stored["version"]) == (status, [], 1)


def test_mark_planned_of_a_campaign_without_a_schedule_creates_nothing(schedules, environment):
    campaign_id = uuid.uuid4().hex
    assert schedules.mark_planned(environment, campaign_id, uuid.uuid4().hex, []) is False
    assert schedules.get(environment, campaign_id) is None


def test_a_reschedule_from_a_read_taken_before_planning_finished_is_refused(schedules, environment):
    new = schedule()
    schedules.put(environment, new, replacing=None)
    read_while_planning = schedules.get(environment, new["campaignId"])
    schedules.mark_planned(environment, new["campaignId"], new["scheduleId"], [{"name": "z"}])
    assert schedules.put(environment, schedule(new["campaignId"]), replacing=read_while_planning) is False
    assert schedules.get(environment, new["campaignId"])["status"] == "scheduled"
