"""Files in the files bucket: uploads through presigned URLs, exports and error reports, downloads by id."""
