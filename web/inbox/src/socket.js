// The WebSocket API of a Clarion deployment (the stack's RealtimeUrl output): a frame tells an open inbox that its
// unseen count changed, and the component reads the count (and the feed, if open) as after a poll. The socket
// reconnects with a growing delay after it drops, and sends a keep-alive before API Gateway's 10-minute idle timeout.

const KEEP_ALIVE_MS = 5 * 60 * 1000;
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 60 * 1000;

export class InboxSocket {
  // onChange() for each frame the server pushes, and each time the socket (re)opens (for what came meanwhile).
  constructor(url, token, onChange) {
    const separator = url.includes("?") ? "&" : "?";
    this.url = `${url}${separator}token=${encodeURIComponent(token)}`;
    this.onChange = onChange;
    this.retryMs = FIRST_RETRY_MS;
    this.closed = false;
    this.isOpen = false;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const socket = (this.socket = new WebSocket(this.url));
    socket.onopen = () => {
      this.isOpen = true;
      this.retryMs = FIRST_RETRY_MS;
      this.keepAlive = setInterval(() => socket.send('{"action":"ping"}'), KEEP_ALIVE_MS);
      this.onChange();
    };
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && frame.type !== "pong") this.onChange();
    };
    socket.onclose = () => {
      this.isOpen = false;
      clearInterval(this.keepAlive);
      if (this.socket === socket) this.retry();
    };
  }

  retry() {
    if (this.closed) return;
    const delay = this.retryMs * (0.5 + Math.random() / 2); // jittered: many inboxes do not return at once
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  close() {
    this.closed = true;
    this.isOpen = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.keepAlive);
    if (this.socket) this.socket.close();
  }
}
