import itertools
import json
from collections.abc import Iterator

import boto3
import pytest

from local.runtime import LocalRuntime
from tests.local.conftest import TEMPLATE, table_items


def send(runtime: LocalRuntime, *bodies: str) -> None:
    sqs = boto3.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=runtime.resources.queues["WorkQueue"], MessageBody=body)


def counts(runtime: LocalRuntime, queue: str) -> tuple[int, int]:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=runtime.resources.queues[queue],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def dead_letters(runtime: LocalRuntime) -> list[str]:
    received = boto3.client("sqs").receive_message(
        QueueUrl=runtime.resources.queues["WorkDeadLetterQueue"], MaxNumberOfMessages=10
    )
    return sorted(message["Body"] for message in received.get("Messages", []))


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    """A runtime per test: each starts with empty queues and its own clock."""
    with LocalRuntime.in_process(TEMPLATE) as started:
        yield started


def test_partial_batch_failures_leave_only_the_failed_message(runtime: LocalRuntime) -> None:
    send(runtime, *(json.dumps({"id": name, "fail": name == "p2"}) for name in ("p1", "p2", "p3")))

    report = runtime.drain()

    assert report.invocations == {"WorkerFunction": 1}
    assert report.messages_delivered == 3
    assert [item["pk"] for item in table_items(runtime, "work-p")] == ["work-p1", "work-p3"]
    assert counts(runtime, "WorkQueue") == (0, 1)


def test_a_failed_message_reappears_after_the_visibility_timeout_then_goes_to_the_dlq(runtime: LocalRuntime) -> None:
    body = json.dumps({"id": "r1", "fail": True})
    send(runtime, body)
    runtime.drain()

    runtime.clock.advance(25)
    assert runtime.drain().invocations == {}

    runtime.clock.advance(10)  # past the 30 s visibility timeout: received a second time (maxReceiveCount 2), fails
    assert counts(runtime, "WorkQueue") == (0, 1)
    assert dead_letters(runtime) == []

    runtime.clock.advance(35)  # the third receive moves it to the dead-letter queue
    assert counts(runtime, "WorkQueue") == (0, 0)
    assert dead_letters(runtime) == [body]


def test_a_handler_exception_fails_the_whole_batch(runtime: LocalRuntime) -> None:
    send(runtime, json.dumps({"id": "c1"}), "crash")

    assert runtime.drain().invocations == {"WorkerFunction": 1}
    assert counts(runtime, "WorkQueue") == (0, 2)

    runtime.clock.advance(35)  # both come back, in one batch
    assert runtime.registry.invocations["WorkerFunction"] == 2
    assert counts(runtime, "WorkQueue") == (0, 2)


def test_the_batch_carries_the_receive_count(runtime: LocalRuntime) -> None:
    send(runtime, json.dumps({"id": "n1"}))

    runtime.drain()

    assert table_items(runtime, "work-n1")[0]["receives"] == 1


def test_tick_until_returns_when_the_condition_holds_and_false_at_the_timeout(runtime: LocalRuntime) -> None:
    checks = itertools.count(1)
    assert runtime.tick_until(lambda: next(checks) == 3, timeout=5)
    assert next(checks) == 4  # asked three times, ticking in between
    assert not runtime.tick_until(lambda: False, timeout=0.05)


def test_an_idle_drain_sends_no_request_to_sqs_or_step_functions(runtime: LocalRuntime) -> None:
    """Whether a queue holds anything and which executions run are read in moto's memory: a drain repeats them at
    every turn, and through the API they cost a request per queue and per state machine."""
    runtime.drain()
    with runtime.count_aws_calls() as calls:
        runtime.drain()
    assert (calls.total("sqs"), calls.total("stepfunctions")) == (0, 0)
    send(runtime, "after the idle drain")
    with runtime.count_aws_calls() as calls:
        report = runtime.drain()
    assert report.messages_delivered == 1 and calls.total("sqs", "ReceiveMessage") >= 1
