"""Files of an environment: their items (MessagesTable) beside their objects (the files bucket)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Literal, NamedTuple, cast

from clarion.clock import timestamp, utc_now
from clarion.dynamo import NEW_ITEM, DynamoTable
from clarion.errors import NotFound, ValidationFailed
from clarion.files.models import FileLink, UploadTicket
from clarion.files.storage import FileObjects, object_key
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store.keys import FILE_SK, file_pk

if TYPE_CHECKING:
    from clarion.store import entities

UPLOAD_SECONDS = 900
"""How long an upload URL works."""
DOWNLOAD_SECONDS = 300
"""How long a download URL works: long enough to start the download, short enough that a leaked link soon dies."""
KEEP_DAYS = 30
"""How long a file is kept: the bucket's lifecycle rule deletes its object then, and TTL its item."""

Purpose = Literal["upload", "export", "errors", "report"]


def _table() -> DynamoTable:
    return DynamoTable(settings().messages_table)


def new_file(environment_id: str, name: str, content_type: str, purpose: Purpose) -> entities.StoredFile:
    """Records a file (its object is written after, by its uploader or its task); returns its item."""
    now = utc_now()
    item: entities.StoredFile = {
        "_id": new_id(),
        "name": name,
        "contentType": content_type,
        "purpose": purpose,
        "createdAt": timestamp(now),
        "expiresAt": int((now + timedelta(days=KEEP_DAYS)).timestamp()),
    }
    _table().put({"pk": file_pk(environment_id, item["_id"]), "sk": FILE_SK, **item}, NEW_ITEM)
    return item


def create_upload(environment_id: str, name: str, content_type: str) -> UploadTicket:
    item = new_file(environment_id, name, content_type, "upload")
    key = object_key(environment_id, item["_id"])
    return UploadTicket(
        id=item["_id"],
        uploadUrl=FileObjects().upload_url(key, content_type, UPLOAD_SECONDS),
        headers={"Content-Type": content_type},
        expiresAt=timestamp(utc_now() + timedelta(seconds=UPLOAD_SECONDS)),
    )


def get_file(environment_id: str, file_id: str) -> entities.StoredFile:
    """A file of the environment; another environment's is as absent as a missing one."""
    item = _table().get(file_pk(environment_id, file_id), FILE_SK)
    if item is None:
        raise NotFound(f"file '{file_id}' not found", field="fileId", value=file_id)
    return cast("entities.StoredFile", item)


class Upload(NamedTuple):
    """An uploaded file's item, and the ETag of the bytes uploaded last (its upload URL can be PUT again)."""

    item: entities.StoredFile
    etag: str


def uploaded_file(environment_id: str, file_id: str) -> Upload:
    """A file a client uploaded and whose bytes have arrived, for a task to read; a 422 on `fileId` otherwise."""
    uploaded = get_file(environment_id, file_id)
    if uploaded["purpose"] != "upload":
        raise ValidationFailed("is not an uploaded file", field="fileId", value=file_id)
    head = FileObjects().head(object_key(environment_id, file_id))
    if head is None:
        raise ValidationFailed("has not been uploaded yet: PUT it to its uploadUrl", field="fileId", value=file_id)
    return Upload(uploaded, head.etag)


def store_content(environment_id: str, name: str, content: bytes, content_type: str) -> str:
    """Bytes a request carried, stored as an uploaded file (so a task reads them as it reads any upload); its id."""
    stored = new_file(environment_id, name, content_type, "upload")
    FileObjects().put(object_key(environment_id, stored["_id"]), content, content_type)
    return stored["_id"]


def file_link(environment_id: str, file_id: str) -> FileLink:
    """The file with a short-lived download URL (null while its upload has not arrived)."""
    item = get_file(environment_id, file_id)
    objects = FileObjects()
    key = object_key(environment_id, file_id)
    size = objects.size(key)
    return FileLink(
        id=item["_id"],
        name=item["name"],
        contentType=item["contentType"],
        purpose=item["purpose"],
        size=size,
        createdAt=item["createdAt"],
        downloadUrl=objects.download_url(key, item["name"], DOWNLOAD_SECONDS) if size is not None else None,
        expiresAt=timestamp(utc_now() + timedelta(seconds=DOWNLOAD_SECONDS)),
    )
