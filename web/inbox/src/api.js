// The widget API of a Clarion deployment (Novu's v1 /v1/widgets routes), as the component calls it.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export class WidgetApi {
  constructor(apiUrl) {
    this.apiUrl = apiUrl.replace(/\/+$/, "");
    this.token = null;
  }

  async request(method, path, body) {
    const headers = { accept: "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(this.apiUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) throw new ApiError(response.status, json.message || response.statusText);
    return json;
  }

  // A session: the subscriber token every other route reads the subscriber from.
  async initialize(applicationIdentifier, subscriberId, subscriberHash) {
    const body = { applicationIdentifier, subscriberId };
    if (subscriberHash) body.hmacHash = subscriberHash;
    const { data } = await this.request("POST", "/v1/widgets/session/initialize", body);
    this.token = data.token;
    return data.profile;
  }

  async unseenCount() {
    return (await this.request("GET", "/v1/widgets/notifications/unseen")).data.count;
  }

  async feed(page = 0, limit = 20) {
    return (await this.request("GET", `/v1/widgets/notifications/feed?page=${page}&limit=${limit}`)).data;
  }

  markRead(messageId) {
    return this.request("POST", "/v1/widgets/messages/markAs", { messageId: [messageId], markAs: "read" });
  }

  markAllRead() {
    return this.request("POST", "/v1/widgets/messages/read");
  }

  act(messageId, type) {
    const path = `/v1/widgets/messages/${encodeURIComponent(messageId)}/actions/${encodeURIComponent(type)}`;
    return this.request("POST", path, { status: "done" });
  }

  // Preferences are optional on a server: null when it does not serve them.
  async preferences() {
    try {
      return (await this.request("GET", "/v1/widgets/preferences")).data;
    } catch (error) {
      if (error.status === 404 || error.status === 405) return null;
      throw error;
    }
  }

  setPreference(templateId, channel, enabled) {
    const path = `/v1/widgets/preferences/${encodeURIComponent(templateId)}`;
    return this.request("PATCH", path, { channel: { type: channel, enabled } });
  }
}
