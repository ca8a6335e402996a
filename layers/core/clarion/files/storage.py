"""The files bucket (FILES_BUCKET): presigned URLs, reads streamed from a byte offset, and objects written in parts.
An object's key is `<environmentId>/<name>`: a key is built only here, from the caller's environment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from clarion.aws import client
from clarion.settings import settings

READ_BYTES = 256 * 1024
"""How much a streamed read asks of S3's body at a time."""
PART_BYTES = 8 * 1024 * 1024
"""A multipart upload's part: S3 needs at least 5 MB for each but the last."""


class ObjectHead(NamedTuple):
    size: int
    etag: str
    """S3's ETag, quotes included: it changes when the object is written again with other bytes."""


class ObjectChanged(Exception):
    """The object is no longer the one read before (uploaded again, to the same presigned URL)."""


def object_key(environment_id: str, name: str) -> str:
    return f"{environment_id}/{name}"


class FileObjects:
    def __init__(self, bucket: str | None = None) -> None:
        self.bucket = bucket or settings().files_bucket

    def _s3(self) -> Any:
        return client("s3")

    def upload_url(self, key: str, content_type: str, expires_in: int) -> str:
        """A presigned PUT of the object; the upload must send the same Content-Type."""
        params = {"Bucket": self.bucket, "Key": key, "ContentType": content_type}
        return str(self._s3().generate_presigned_url("put_object", Params=params, ExpiresIn=expires_in))

    def download_url(self, key: str, filename: str, expires_in: int) -> str:
        """A presigned GET that a browser saves as `filename`."""
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename) or "file"
        params = {"Bucket": self.bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{safe}"'}
        return str(self._s3().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in))

    def head(self, key: str) -> ObjectHead | None:
        """The object's size and ETag (one HeadObject); None when nothing was uploaded there."""
        try:
            answer = self._s3().head_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            if _status(error) in (403, 404):
                return None
            raise
        return ObjectHead(int(answer["ContentLength"]), str(answer["ETag"]))

    def size(self, key: str) -> int | None:
        """The object's size in bytes; None when nothing was uploaded there."""
        head = self.head(key)
        return None if head is None else head.size

    def lines_from(self, key: str, offset: int, etag: str | None = None) -> Iterator[bytes]:
        """The object's lines from byte `offset` on, each with its `\\n` (the last may lack one), streamed: one
        GetObject with a Range, read `READ_BYTES` at a time, so memory holds a line and a read, never the file.
        With `etag`, only while the object is that one: ObjectChanged once it was uploaded again."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if offset:
            params["Range"] = f"bytes={offset}-"
        if etag:
            params["IfMatch"] = etag
        try:
            body = self._s3().get_object(**params)["Body"]
        except Exception as error:
            if _status(error) == 416:  # the offset is the object's end: nothing left to read
                return
            if _status(error) == 412:
                raise ObjectChanged(key) from error
            raise
        pending = b""
        try:
            while chunk := body.read(READ_BYTES):
                pending += chunk
                start = 0
                while (end := pending.find(b"\n", start)) >= 0:
                    yield pending[start : end + 1]
                    start = end + 1
                pending = pending[start:]
            if pending:
                yield pending
        finally:
            body.close()

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self._s3().put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)

    def read(self, key: str) -> bytes:
        return bytes(self._s3().get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def concatenate(self, part_keys: Iterable[str], key: str, content_type: str, head: bytes = b"") -> None:
        """Writes `head` then each part's bytes, in order, as the object `key` (one PutObject when the whole is under
        a part's size, else a multipart upload). Memory holds one part, never the whole."""
        parts = list(part_keys)
        buffer = bytearray(head)
        upload: dict[str, Any] | None = None
        s3 = self._s3()
        for part in parts:
            body = s3.get_object(Bucket=self.bucket, Key=part)["Body"]
            while chunk := body.read(READ_BYTES):
                buffer += chunk
                if len(buffer) >= PART_BYTES:
                    upload = self._upload_part(upload, key, content_type, buffer)
                    buffer = bytearray()
            body.close()
        if upload is None:
            s3.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer), ContentType=content_type)
        else:
            if buffer:
                upload = self._upload_part(upload, key, content_type, buffer)
            s3.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": upload["Parts"]}
            )

    def delete(self, keys: Iterable[str]) -> None:
        listed = list(keys)
        for start in range(0, len(listed), 1000):
            objects = [{"Key": key} for key in listed[start : start + 1000]]
            self._s3().delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})

    def _upload_part(
        self, upload: dict[str, Any] | None, key: str, content_type: str, data: bytearray
    ) -> dict[str, Any]:
        s3 = self._s3()
        if upload is None:
            created = s3.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type)
            upload = {"UploadId": created["UploadId"], "Parts": []}
        number = len(upload["Parts"]) + 1
        answer = s3.upload_part(
            Bucket=self.bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=bytes(data)
        )
        upload["Parts"].append({"PartNumber": number, "ETag": answer["ETag"]})
        return upload


def _status(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None
