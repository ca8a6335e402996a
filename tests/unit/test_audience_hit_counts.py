"""The per-day tag hit counts a profile keeps for segments: counted by UTC day, pruned past the window, bounded."""

from datetime import date, timedelta

from clarion.audience.hit_counts import MAX_COUNTED_TAGS, TAG_HIT_DAYS, counted, hits_within

TODAY = date(2026, 3, 10)


def day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def test_each_hit_adds_one_to_its_tag_and_day():
    counts = counted(None, [("viewed", day(0)), ("viewed", day(0)), ("viewed", day(2)), ("bought", day(1))], TODAY)
    assert counts == {"viewed": {day(0): 2, day(2): 1}, "bought": {day(1): 1}}


def test_counts_add_to_what_the_profile_held():
    counts = counted({"viewed": {day(1): 4}}, [("viewed", day(1)), ("viewed", day(0))], TODAY)
    assert counts == {"viewed": {day(1): 5, day(0): 1}}


def test_days_past_the_window_are_dropped_and_a_tag_left_with_none_leaves_the_map():
    held = {"viewed": {day(TAG_HIT_DAYS): 7, day(TAG_HIT_DAYS - 1): 1}, "old": {day(TAG_HIT_DAYS + 3): 2}}
    assert counted(held, [], TODAY) == {"viewed": {day(TAG_HIT_DAYS - 1): 1}}


def test_a_hit_older_than_the_window_is_not_counted():
    assert counted(None, [("viewed", day(TAG_HIT_DAYS))], TODAY) == {}


def test_past_the_bound_the_tags_hit_longest_ago_leave_first():
    held = {f"tag-{n}": {day(n % TAG_HIT_DAYS): 1} for n in range(MAX_COUNTED_TAGS)}
    counts = counted(held, [("new", day(0))], TODAY)
    assert len(counts) == MAX_COUNTED_TAGS and "new" in counts
    oldest_day = max(n % TAG_HIT_DAYS for n in range(MAX_COUNTED_TAGS))
    dropped = set(held) - set(counts)
    assert len(dropped) == 1 and held[dropped.pop()] == {day(oldest_day): 1}


def test_a_rule_reads_the_hits_of_the_last_days_from_the_map_alone():
    counts = {"viewed": {day(0): 1, day(3): 2, day(6): 1, day(7): 5}}
    assert hits_within(counts, "viewed", 7, TODAY) == 4
    assert hits_within(counts, "viewed", 8, TODAY) == 9
    assert hits_within(counts, "bought", 7, TODAY) == 0
    assert hits_within(None, "viewed", 7, TODAY) == 0


def test_a_day_after_today_is_not_in_the_last_days():
    assert hits_within({"viewed": {(TODAY + timedelta(days=1)).isoformat(): 2, day(0): 1}}, "viewed", 7, TODAY) == 1
