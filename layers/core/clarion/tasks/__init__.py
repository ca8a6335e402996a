"""Background tasks (imports, exports, list verification, ...): created by a route, worked a chunk at a time by the
tasks function, with progress, counts and an error report anyone with the task's id can follow."""
