"""The runtime's data directory: what moto holds is saved when the runtime stops and restored when it starts again.

Each test runs its own runtimes on the fixture template (never the module-scoped `runtime`).
"""

import json
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.persistence import DataDir, DataDirInUse
from local.runtime import LocalRuntime
from tests.local.conftest import TEMPLATE


def dead_letter_queue(runtime: LocalRuntime) -> str:
    """The fixture's dead-letter queue: no function polls it, so what is on it stays there."""
    return runtime.resources.queues["WorkDeadLetterQueue"]


def receive(runtime: LocalRuntime) -> list[dict[str, Any]]:
    return (
        boto3.client("sqs")
        .receive_message(
            QueueUrl=dead_letter_queue(runtime),
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        .get("Messages", [])
    )


def one_time_schedule(runtime: LocalRuntime, name: str, when: datetime, after: str = "DELETE") -> None:
    """A schedule made at run time (as Clarion's campaign schedules are) that puts `name` on the dead-letter queue."""
    queue_arn = boto3.client("sqs").get_queue_attributes(
        QueueUrl=dead_letter_queue(runtime), AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    boto3.client("scheduler").create_schedule(
        Name=name,
        GroupName="campaigns",
        ScheduleExpression=f"at({when.strftime('%Y-%m-%dT%H:%M:%S')})",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion=after,
        Target={"Arn": queue_arn, "RoleArn": "arn:aws:iam::123456789012:role/local", "Input": json.dumps(name)},
    )


def test_a_restart_restores_items_messages_secrets_schedules_and_the_clock(tmp_path: Path) -> None:
    first = LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path)
    assert first.restored is None
    first.clock.advance(3600 * 24)  # a drain that skipped a day: the clock must not go back
    table = boto3.resource("dynamodb").Table(first.resources.tables["ItemsTable"])
    table.put_item(Item={"pk": "kept", "owner": "ada", "count": 3, "tags": {"a", "b"}})
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=dead_letter_queue(first), MessageBody="in flight")
    sqs.receive_message(QueueUrl=dead_letter_queue(first), VisibilityTimeout=300)  # hidden for 300 s
    sqs.send_message(QueueUrl=dead_letter_queue(first), MessageBody="visible")
    boto3.client("secretsmanager").create_secret(Name="made-at-run-time", SecretString="s3cr3t")
    boto3.client("scheduler").create_schedule_group(Name="campaigns")
    one_time_schedule(first, "later", first.clock.now() + timedelta(hours=1))
    saved_at = first.clock.time()
    first.close()
    assert first.saved is not None
    assert first.saved.size == (tmp_path / "state.pickle").stat().st_size

    second = LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path)
    try:
        assert second.restored is not None
        assert second.clock.time() >= saved_at
        table = boto3.resource("dynamodb").Table(second.resources.tables["ItemsTable"])
        item = table.get_item(Key={"pk": "kept"})["Item"]
        assert (item["owner"], item["count"], item["tags"]) == ("ada", 3, {"a", "b"})
        secret = boto3.client("secretsmanager").get_secret_value(SecretId="made-at-run-time")
        assert secret["SecretString"] == "s3cr3t"
        (message,) = receive(second)  # the one in flight is still hidden
        assert message["Body"] == "visible"
        second.clock.advance(300)
        received = {message["Body"]: message["Attributes"]["ApproximateReceiveCount"] for message in receive(second)}
        assert received["in flight"] == "2"  # its first receive counts
        assert "later" not in received
        schedule = boto3.client("scheduler").get_schedule(Name="later", GroupName="campaigns")
        assert schedule["ScheduleExpression"].startswith("at(")
    finally:
        second.close()


def test_a_one_time_schedule_due_while_stopped_fires_at_the_start_and_one_that_fired_does_not_again(
    tmp_path: Path,
) -> None:
    first = LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path)
    boto3.client("scheduler").create_schedule_group(Name="campaigns")
    now = first.clock.now()
    one_time_schedule(first, "fired", now + timedelta(seconds=30), after="NONE")
    first.clock.advance(60)
    assert [message["Body"] for message in receive(first)] == ['"fired"']
    one_time_schedule(first, "due-while-stopped", datetime.now(UTC) + timedelta(seconds=61))
    first.close()

    second = LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path)
    try:
        second.clock.advance(5)  # the time the stack was stopped
        second.tick()
        assert sorted(message["Body"] for message in receive(second)) == ['"due-while-stopped"', '"fired"']
    finally:
        second.close()


def test_a_fresh_start_is_empty_and_the_next_start_restores_what_it_stored(tmp_path: Path) -> None:
    with LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path) as first:
        boto3.resource("dynamodb").Table(first.resources.tables["ItemsTable"]).put_item(Item={"pk": "old"})
    DataDir(tmp_path).admin_key = "sk_generated_at_the_first_start"

    with LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path, fresh=True) as fresh:
        table = boto3.resource("dynamodb").Table(fresh.resources.tables["ItemsTable"])
        assert (fresh.restored, table.scan()["Items"]) == (None, [])
        assert DataDir(tmp_path).admin_key is None
        table.put_item(Item={"pk": "new"})

    with LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path) as again:
        table = boto3.resource("dynamodb").Table(again.resources.tables["ItemsTable"])
        assert [item["pk"] for item in table.scan()["Items"]] == ["new"]


def test_a_suspended_runtime_resumes_from_what_it_saved(tmp_path: Path) -> None:
    saving = LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path / "saving")
    boto3.resource("dynamodb").Table(saving.resources.tables["ItemsTable"]).put_item(Item={"pk": "kept"})
    other = LocalRuntime.in_process(TEMPLATE)  # suspends the first: its state is dropped, and saved
    other.close()
    try:
        table = boto3.resource("dynamodb").Table(saving.resources.tables["ItemsTable"])
        assert table.get_item(Key={"pk": "kept"})["Item"] == {"pk": "kept"}
    finally:
        saving.close()


def test_a_data_directory_serves_one_stack_at_a_time(tmp_path: Path) -> None:
    holder = DataDir(tmp_path)
    holder.lock()
    try:
        with pytest.raises(DataDirInUse, match=r"in use by another local stack \(pid \d+\)"):
            DataDir(tmp_path).lock()
    finally:
        holder.unlock()
    DataDir(tmp_path).lock()


def test_an_unreadable_state_is_moved_aside_not_lost(tmp_path: Path) -> None:
    (tmp_path / "state.pickle").write_bytes(b"not a pickle")
    with LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path) as runtime:
        assert runtime.restored is None
    (aside,) = tmp_path.glob("state.pickle.unreadable-*")
    assert aside.read_bytes() == b"not a pickle"


def test_a_table_whose_keys_changed_is_not_restored_and_the_rest_is(tmp_path: Path) -> None:
    with LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path) as first:
        boto3.resource("dynamodb").Table(first.resources.tables["ItemsTable"]).put_item(Item={"pk": "kept"})
        boto3.client("secretsmanager").create_secret(Name="kept", SecretString="yes")
    state = pickle.loads((tmp_path / "state.pickle").read_bytes())
    tables = pickle.loads(state["sections"]["dynamodb"])
    for table in tables:
        table["keys"] = ("id", "S", None, None)  # as if the template had changed the table's key
    state["sections"]["dynamodb"] = pickle.dumps(tables)
    (tmp_path / "state.pickle").write_bytes(pickle.dumps(state))

    with LocalRuntime.in_process(TEMPLATE, data_dir=tmp_path) as second:
        assert second.restored is not None
        assert "table clarion-local-ItemsTable" in second.restored.skipped
        assert boto3.resource("dynamodb").Table(second.resources.tables["ItemsTable"]).scan()["Items"] == []
        assert boto3.client("secretsmanager").get_secret_value(SecretId="kept")["SecretString"] == "yes"
    (kept,) = tmp_path.glob("state.pickle.not-restored-*")  # the items are not lost with the next save
    assert pickle.loads(kept.read_bytes()) == state
