"""A digest window releases its events in the order they were triggered, whatever order their runs reached the
digest step in (each run is its own Step Functions execution)."""

import uuid

from local.runtime import LocalRuntime


def test_a_window_releases_its_events_in_trigger_order(runtime: LocalRuntime):
    with runtime.registry.environment_of("JourneyTaskFunction"):
        from clarion.journeys.gates import Digests

        digests, pk = Digests(), f"TEST#DIGEST#{uuid.uuid4().hex}"
        arrivals = [("t2", "2026-12-06T10:00:00.002Z"), ("t1", "2026-12-06T10:00:00.001Z"), ("t3", "")]
        entries = [digests.enter(pk, tx, {"n": tx}, 60, at) for tx, at in arrivals]
        released = digests.release(pk, "t2")
    assert [entry.leader for entry in entries] == [True, False, False]
    assert released == {"events": [{"n": "t3"}, {"n": "t1"}, {"n": "t2"}], "count": 3}
