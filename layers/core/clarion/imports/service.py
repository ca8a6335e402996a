"""Starting an import or an export: checks what a task cannot check later, then creates the task
(clarion.tasks.service.create_task); the task worker does the rest (clarion.imports.importer, .exporter)."""

from __future__ import annotations

import hashlib
import json

from clarion.errors import ValidationFailed
from clarion.files.service import store_content, uploaded_file
from clarion.imports.models import PROFILE_EXPORT_FIELDS, ExportRequest, ImportRequest, export_header
from clarion.imports.reader import format_of
from clarion.lists.service import existing_list
from clarion.tasks.models import TaskView
from clarion.tasks.service import create_task


def start_import(environment_id: str, request: ImportRequest) -> TaskView:
    """An import task of an uploaded file, or of the inline `content` (stored as a file first, so both run alike).
    The same file imported again with the same options answers the first import's task, and changes nothing."""
    if (request.fileId is None) == (request.content is None):
        raise ValidationFailed("give exactly one of fileId and content", field="fileId")
    if request.listId is not None:
        if request.type != "profiles":
            raise ValidationFailed("only a profile import joins a list", field="listId", value=request.listId)
        existing_list(environment_id, request.listId)
    if request.content is not None:
        file_format = request.format or "csv"
        content = request.content.encode()
        digest = hashlib.sha256(content).hexdigest()
        content_type = "text/csv" if file_format == "csv" else "application/x-ndjson"
        file_id = store_content(environment_id, f"import.{file_format}", content, content_type)
        source, etag = f"content:{digest}", None
    else:
        file_id = request.fileId or ""
        upload = uploaded_file(environment_id, file_id)
        file_format = format_of(upload.item["contentType"], request.format)
        source, etag = f"file:{file_id}", upload.etag
    if request.mapping and file_format != "csv":
        raise ValidationFailed("is for CSV files only", field="mapping")
    params = {
        "type": request.type,
        "fileId": file_id,
        "etag": etag,
        "format": file_format,
        "mapping": request.mapping or {},
        "listId": request.listId,
    }
    # the upload URL can be PUT again: the ETag in the fingerprint makes other bytes a new import, the same bytes not
    fingerprint = json.dumps({**params, "fileId": source}, sort_keys=True)
    return create_task(environment_id, "import", params, request_hash=hashlib.sha256(fingerprint.encode()).hexdigest())


def start_export(environment_id: str, request: ExportRequest) -> TaskView:
    """An export task: the source's profiles (or their devices) as a CSV file, the task's `resultFileId`."""
    for name, wanted in (("listId", request.source == "list"), ("segmentId", request.source == "segment")):
        given = getattr(request, name)
        if wanted and given is None:
            raise ValidationFailed(f"is required for source '{request.source}'", field=name)
        if not wanted and given is not None:
            raise ValidationFailed(f"is only for source '{name.removesuffix('Id')}'", field=name, value=given)
    if request.listId is not None:
        existing_list(environment_id, request.listId)
    if request.segmentId is not None:
        from clarion.segments.service import existing_segment  # noqa: PLC0415 - rule models only exports of a segment need

        existing_segment(environment_id, request.segmentId)
    for index, name in enumerate(request.fields):
        if name not in PROFILE_EXPORT_FIELDS and not (name.startswith("attributes.") and len(name) > 11):
            raise ValidationFailed("is not a field an export writes", field=f"fields[{index}]", value=name)
    params = {
        "source": request.source,
        "listId": request.listId,
        "segmentId": request.segmentId,
        "records": request.records,
        "fields": request.fields,
        "output": {"name": request.name, "head": export_header(request.records, request.fields)},
    }
    return create_task(environment_id, "export", params)
