"""The local stack's data across restarts: saved from moto into a data directory when the stack stops cleanly, and
put back into a freshly provisioned stack when it starts.

The stack is always provisioned from the template first, so a changed template applies; then the saved data goes
back into it:

- DynamoDB: every item of every table whose keys (names and types) are unchanged;
- SQS: every message of every queue the template still has, with its receive count; a message that was in
  flight or delayed stays invisible for the rest of its time, as on SQS;
- Secrets Manager: every secret's current value (the template's generated secrets keep theirs, so what was
  signed with them stays valid) and the secrets made at run time (integration credentials);
- EventBridge Scheduler: the schedule groups and schedules made at run time (campaign schedules); a one-time
  schedule that fell due while the stack was stopped fires at the start;
- what GET /local/outbox lists (SES and SNS sent messages, SNS platform endpoints);
- the runtime clock, so it never goes back (a drain or time scale 0 may have moved it ahead).

Not saved: Step Functions executions. A journey run in progress when the stack stops does not go on (its run
keeps the status it had); Clarion makes its state machines again when a run starts.

The state is one file, `state.pickle`: plain Python data in sections, one per service, each pickled on its own so
that a section that cannot be read (moto's outbox objects after a moto upgrade) is skipped with a warning and the
others are restored. It is written to a temporary file and renamed: a crash while saving keeps the previous state.
Like the code it runs, a data directory is trusted: pickles execute code when loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import moto
from moto.dynamodb.models import dynamodb_backends
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from moto.sqs import models as sqs_models

from local import clients
from local.clock import Clock
from local.schedules import Schedules
from local.stack import Stack

log = logging.getLogger(__name__)
FORMAT = 1
STATE_FILE = "state.pickle"
ADMIN_KEY_FILE = "admin-key"
LOCK_FILE = "lock"
SCHEDULE_FIELDS = (
    "Name",
    "GroupName",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "StartDate",
    "EndDate",
    "Description",
    "State",
    "KmsKeyArn",
    "Target",
    "FlexibleTimeWindow",
    "ActionAfterCompletion",
)


class DataDirInUse(RuntimeError):
    pass


@dataclass
class Report:
    """What a save or a restore moved, for the console."""

    counts: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    size: int = 0
    """Bytes written (a save)."""
    running_executions: int = 0
    """Step Functions executions running when the state was saved: they are not saved (a save)."""

    def summary(self) -> str:
        names = (
            ("items", "DynamoDB items"),
            ("messages", "queued messages"),
            ("secrets", "secrets"),
            ("schedules", "schedules"),
            ("sent", "sent messages"),
        )
        parts = [f"{self.counts[key]} {label}" for key, label in names if self.counts[key]]
        return ", ".join(parts) or "nothing"


class DataDir:
    """A directory holding the saved state and the generated admin key, used by one local stack at a time."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        self._lock: BinaryIO | None = None

    @property
    def state_file(self) -> Path:
        return self.path / STATE_FILE

    def lock(self) -> None:
        """Take the directory (raises DataDirInUse when another process holds it); the lock dies with the process."""
        self.path.mkdir(parents=True, exist_ok=True)
        handle = (self.path / LOCK_FILE).open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.seek(0)
            holder = handle.read().decode(errors="replace").strip() or "another process"
            handle.close()
            raise DataDirInUse(f"{self.path} is in use by another local stack (pid {holder})") from error
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def discard(self) -> None:
        """Forget the saved state and the generated admin key (a fresh start)."""
        for name in (STATE_FILE, ADMIN_KEY_FILE):
            with contextlib.suppress(FileNotFoundError):
                (self.path / name).unlink()

    @property
    def admin_key(self) -> str | None:
        try:
            return (self.path / ADMIN_KEY_FILE).read_text().strip() or None
        except FileNotFoundError:
            return None

    @admin_key.setter
    def admin_key(self, key: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / ADMIN_KEY_FILE
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(key + "\n")

    def read(self) -> dict[str, Any] | None:
        """The saved state, or None. One that cannot be read is moved aside (kept, not lost) with a warning."""
        try:
            data = self.state_file.read_bytes()
        except FileNotFoundError:
            return None
        try:
            state: dict[str, Any] = pickle.loads(data)  # noqa: S301 - the data directory is the user's own
            if state.get("format") != FORMAT:
                raise ValueError(f"format {state.get('format')!r}, not {FORMAT}")
        except Exception as error:
            aside = self.state_file.with_name(f"{STATE_FILE}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
            self.state_file.rename(aside)
            log.warning(
                "could not read the saved state (%s: %s): moved to %s, starting empty",
                type(error).__name__,
                error,
                aside,
            )
            return None
        return state

    def keep_copy(self, reason: str) -> Path:
        """Copy the saved state aside (the next save replaces it), e.g. when part of it could not be restored."""
        copy = self.state_file.with_name(f"{STATE_FILE}.{reason}-{time.strftime('%Y%m%dT%H%M%S')}")
        copy.write_bytes(self.state_file.read_bytes())
        return copy

    def write(self, state: dict[str, Any]) -> int:
        """Write the state atomically; returns its size in bytes."""
        self.path.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        temporary = self.state_file.with_name(f"{STATE_FILE}.{os.getpid()}.tmp")
        with temporary.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(self.state_file)
        return len(data)


def save(data_dir: DataDir, stack: Stack, clock: Clock, schedules: Schedules) -> Report:
    """Capture what moto holds for the stack and write it to the data directory."""
    started = time.perf_counter()
    report = Report()
    capture = _Capture(stack, clock, schedules, report)
    sections: dict[str, bytes] = {}
    for name, capture_section in capture.sections().items():
        try:
            sections[name] = pickle.dumps(capture_section(), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            log.warning("could not save %s: %s: %s", name, type(error).__name__, error)
            report.skipped.append(name)
    state = {
        "format": FORMAT,
        "savedAt": clock.time(),
        "moto": moto.__version__,
        "sections": sections,
    }
    report.size = data_dir.write(state)
    report.seconds = time.perf_counter() - started
    return report


def restore(state: dict[str, Any], stack: Stack, clock: Clock, schedules: Schedules) -> Report:
    """Put a saved state back into a freshly provisioned stack (before its event sources first tick)."""
    started = time.perf_counter()
    report = Report()
    clock.catch_up(float(state["savedAt"]))
    putter = _Restore(stack, clock, schedules, report)
    for name, restore_section in putter.sections().items():
        if name not in state["sections"]:
            continue
        try:
            restore_section(pickle.loads(state["sections"][name]))  # noqa: S301 - the data directory is the user's own
        except Exception as error:
            log.warning(
                "could not restore %s (saved by moto %s): %s: %s", name, state.get("moto"), type(error).__name__, error
            )
            report.skipped.append(name)
    report.seconds = time.perf_counter() - started
    return report


class _Sections:
    """A save or a restore of the stack's state: one method per section, named for it, each over the stack's account
    and region."""

    NAMES = ("dynamodb", "sqs", "secretsmanager", "scheduler", "ses", "sns")

    def __init__(self, stack: Stack, clock: Clock, schedules: Schedules, report: Report) -> None:
        self.account, self.region = stack.resolver.account_id, stack.resolver.region
        self.clock = clock
        self.schedules = schedules
        self.report = report

    def sections(self) -> dict[str, Callable[..., Any]]:
        """Each section's method, in the order they are saved and restored."""
        return {name: getattr(self, name) for name in self.NAMES}


class _Capture(_Sections):
    def dynamodb(self) -> list[dict[str, Any]]:
        tables = []
        for table in list(dynamodb_backends[self.account][self.region].tables.values()):
            items = [item.to_json()["Attributes"] for item in _items(table)]
            self.report.counts["items"] += len(items)
            tables.append({"name": table.name, "keys": _keys(table), "items": items})
        return tables

    def sqs(self) -> list[dict[str, Any]]:
        now = sqs_models.unix_time()
        queues = []
        for name, queue in list(sqs_models.sqs_backends[self.account][self.region].queues.items()):
            messages = [
                {
                    "body": message.body,
                    "messageAttributes": message.message_attributes,
                    "systemAttributes": message.system_attributes,
                    "groupId": message.group_id,
                    "deduplicationId": message.deduplication_id,
                    "receiveCount": message.approximate_receive_count,
                    "hiddenFor": max(0.0, message.visible_at - now, message.delayed_until - now),
                }
                for message in list(queue._messages)
            ]
            self.report.counts["messages"] += len(messages)
            queues.append({"name": name, "messages": messages})
        return queues

    def secretsmanager(self) -> list[dict[str, Any]]:
        secretsmanager = clients.client("secretsmanager", self.region)
        secrets = []
        for page in secretsmanager.get_paginator("list_secrets").paginate():
            for listed in page["SecretList"]:
                value = secretsmanager.get_secret_value(SecretId=listed["ARN"])
                secret = {"Name": listed["Name"], "Description": listed.get("Description"), "Tags": listed.get("Tags")}
                secret |= {key: value[key] for key in ("SecretString", "SecretBinary") if key in value}
                secrets.append({key: value for key, value in secret.items() if value is not None})
        self.report.counts["secrets"] += len(secrets)
        return secrets

    def scheduler(self) -> dict[str, Any]:
        scheduler = clients.client("scheduler", self.region)
        groups = [
            group["Name"]
            for page in scheduler.get_paginator("list_schedule_groups").paginate()
            for group in page["ScheduleGroups"]
            if group["Name"] != "default"
        ]
        schedules = []
        for page in scheduler.get_paginator("list_schedules").paginate():
            for listed in page["Schedules"]:
                found = scheduler.get_schedule(Name=listed["Name"], GroupName=listed["GroupName"])
                schedules.append({key: found[key] for key in SCHEDULE_FIELDS if found.get(key) is not None})
        self.report.counts["schedules"] += len(schedules)
        return {"groups": groups, "schedules": schedules, "finished": sorted(self.schedules.finished())}

    def ses(self) -> list[Any]:
        sent = list(ses_backends[self.account][self.region].sent_messages)
        self.report.counts["sent"] += len(sent)
        return sent

    def sns(self) -> dict[str, Any]:
        sns = sns_backends[self.account][self.region]
        endpoints = list(sns.platform_endpoints.values())
        self.report.counts["sent"] += len(sns.sms_messages) + sum(len(endpoint.messages) for endpoint in endpoints)
        return {"sms": dict(sns.sms_messages), "endpoints": endpoints}


class _Restore(_Sections):
    def dynamodb(self, tables: list[dict[str, Any]]) -> None:
        backend = dynamodb_backends[self.account][self.region]
        for saved in tables:
            table = backend.tables.get(saved["name"])
            if table is None or _keys(table) != saved["keys"]:
                why = "is no longer in the template" if table is None else "has other keys now"
                log.warning("table %s %s: its %d items are not restored", saved["name"], why, len(saved["items"]))
                self.report.skipped.append(f"table {saved['name']}")
                continue
            stream, table.stream_shard = table.stream_shard, None  # restored items are no new writes
            try:
                for attributes in saved["items"]:
                    table.put_item(attributes, overwrite=True)
            finally:
                table.stream_shard = stream
            self.report.counts["items"] += len(saved["items"])

    def sqs(self, queues: list[dict[str, Any]]) -> None:
        backend = sqs_models.sqs_backends[self.account][self.region]
        for saved in queues:
            if saved["name"] not in backend.queues:
                log.warning("queue %s is no longer in the template: %d messages dropped", *saved.values())
                self.report.skipped.append(f"queue {saved['name']}")
                continue
            for entry in saved["messages"]:
                message = backend.send_message(
                    saved["name"],
                    entry["body"],
                    message_attributes=entry["messageAttributes"],
                    delay_seconds=0,
                    deduplication_id=entry["deduplicationId"],
                    group_id=entry["groupId"],
                    system_attributes=entry["systemAttributes"],
                    validate_group_id=False,
                )
                message.approximate_receive_count = entry["receiveCount"]
                if entry["hiddenFor"] > 0:
                    message.visible_at = sqs_models.unix_time() + entry["hiddenFor"]
            self.report.counts["messages"] += len(saved["messages"])

    def secretsmanager(self, secrets: list[dict[str, Any]]) -> None:
        secretsmanager = clients.client("secretsmanager", self.region)
        existing = {
            listed["Name"]
            for page in secretsmanager.get_paginator("list_secrets").paginate()
            for listed in page["SecretList"]
        }
        for secret in secrets:
            value = {key: secret[key] for key in ("SecretString", "SecretBinary") if key in secret}
            if secret["Name"] in existing:
                secretsmanager.put_secret_value(SecretId=secret["Name"], **value)
            else:
                secretsmanager.create_secret(**secret)
        self.report.counts["secrets"] += len(secrets)

    def scheduler(self, saved: dict[str, Any]) -> None:
        scheduler = clients.client("scheduler", self.region)
        groups = {
            group["Name"]
            for page in scheduler.get_paginator("list_schedule_groups").paginate()
            for group in page["ScheduleGroups"]
        }
        for group in saved["groups"]:
            if group not in groups:
                scheduler.create_schedule_group(Name=group)
        existing = {
            (listed["GroupName"], listed["Name"])
            for page in scheduler.get_paginator("list_schedules").paginate()
            for listed in page["Schedules"]
        }
        for schedule in saved["schedules"]:
            if (schedule.get("GroupName", "default"), schedule["Name"]) not in existing:
                scheduler.create_schedule(**schedule)
                self.report.counts["schedules"] += 1
        self.schedules.mark_finished(saved["finished"])

    def ses(self, sent: list[Any]) -> None:
        ses_backends[self.account][self.region].sent_messages[:0] = sent
        self.report.counts["sent"] += len(sent)

    def sns(self, saved: dict[str, Any]) -> None:
        sns = sns_backends[self.account][self.region]
        sns.sms_messages.update(saved["sms"])
        for endpoint in saved["endpoints"]:
            application = sns.applications.setdefault(endpoint.application.arn, endpoint.application)
            endpoint.application = application  # the provisioned application, when it still exists
            sns.platform_endpoints[endpoint.arn] = endpoint
        self.report.counts["sent"] += len(saved["sms"]) + sum(len(endpoint.messages) for endpoint in saved["endpoints"])


def _items(table: Any) -> list[Any]:
    partitions = list(table.items.values())
    if table.range_key_attr:
        return [item for partition in partitions for item in list(partition.values())]
    return partitions


def _keys(table: Any) -> tuple[Any, ...]:
    return (table.hash_key_attr, table.hash_key_type, table.range_key_attr, table.range_key_type)
