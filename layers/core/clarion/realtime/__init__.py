"""Real-time in-app delivery: the WebSocket connections of open inboxes (API Gateway's WebSocket API) and the push
that tells them of a new message."""
