"""An export's chunk (the task runner's `export` kind): a page of the audience (a list's members, a segment's, or
every profile), their profiles' chosen fields or their devices as CSV lines, from the task's cursor on."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from clarion.lists.repository import ListsRepository
from clarion.segments.members import matching, parse
from clarion.segments.repository import SegmentsRepository
from clarion.store.devices import DevicesStore
from clarion.subscribers.everyone import AllSubscribers
from clarion.subscribers.repository import SubscribersRepository
from clarion.tasks.models import ChunkResult, TaskFailed

if TYPE_CHECKING:
    from clarion.store import entities

DEVICE_FIELDS = (
    "subscriberId",
    "deviceId",
    "platform",
    "pushEnabled",
    "tokenHint",
    "appVersion",
    "locale",
    "timezone",
    "lastSeenAt",
    "disabledAt",
)
"""A device's columns: never its token (the API shows only its hint)."""


def header_of(records: str, fields: list[str]) -> str:
    return _csv_line(list(DEVICE_FIELDS) if records == "devices" else fields)


def run_export_chunk(environment_id: str, task: entities.Task, max_rows: int) -> ChunkResult:
    params = task["params"]
    cursor = task["position"].get("cursor")
    ids, following = _audience_page(environment_id, params, max_rows, cursor)
    profiles = SubscribersRepository().get_many(environment_id, ids) if ids else {}
    present = [subscriber_id for subscriber_id in ids if subscriber_id in profiles]
    if params["records"] == "devices":
        store = DevicesStore()
        lines = [
            _csv_line([_cell(device.get(name)) for name in DEVICE_FIELDS])
            for subscriber_id in present
            for device in store.of_subscriber(environment_id, subscriber_id)
        ]
    else:
        lines = [_csv_line([_cell(_value(profiles[i], name)) for name in params["fields"]]) for i in present]
    return ChunkResult(
        position={"cursor": following},
        rows=len(lines),
        created=len(lines),
        output="".join(lines).encode(),
        finished=following is None,
    )


def _audience_page(
    environment_id: str, params: dict[str, Any], limit: int, cursor: str | None
) -> tuple[list[str], str | None]:
    """A page of the source's subscriberIds (a segment's: those of a page of profiles that match) and the cursor
    of the next page (None after the last)."""
    source = params["source"]
    if source == "list":
        page = ListsRepository().members_page(environment_id, params["listId"], limit=limit, cursor=cursor)
        return [member["subscriberId"] for member in page.items], page.cursor
    ids, following = AllSubscribers().ids_page(environment_id, limit=limit, cursor=cursor)
    if source == "segment":
        segment = SegmentsRepository().get(environment_id, params["segmentId"])
        if segment is None:
            raise TaskFailed(f"segment '{params['segmentId']}' was deleted")
        ids = matching(environment_id, parse(segment["rule"]), ids).subscriber_ids
    return ids, following


def _value(profile: entities.Subscriber, name: str) -> Any:
    if name.startswith("attributes."):
        return (profile.get("attributes") or {}).get(name.removeprefix("attributes."))
    return profile.get(name)


def _cell(value: Any) -> str:
    """A value as CSV text: a list attribute's texts joined by `|` (as an import reads them), JSON for a map."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), default=str)
    return str(value)


def _csv_line(cells: list[str]) -> str:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(cells)
    return text.getvalue()
