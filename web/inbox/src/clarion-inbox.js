// <clarion-inbox>: a bell with the subscriber's unseen count, a dropdown feed (mark read, action buttons) and a
// preferences panel, over the widget API. A plain custom element in a shadow root: no framework.
//
// Attributes: api-url (default: this page's origin), application-identifier, subscriber-id, subscriber-hash
// (hex HMAC-SHA256 of the subscriber id, where the environment requires it), poll-seconds (default 5), socket-url
// (the WebSocket API; unset, the component only polls).
// New messages reach an open page through the socket at once; the poll stays, every 30 s while the socket is open,
// for what a dropped socket missed (docs/embedding.md).
import { WidgetApi } from "./api.js";
import { InboxSocket } from "./socket.js";
import { STYLES } from "./styles.js";

const BELL =
  '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">' +
  '<path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/><path d="M13.7 21a2 2 0 0 1-3.4 0"/></svg>';
const CHANNELS = ["in_app", "email", "sms", "push", "chat"];
const SOCKET_POLL_SECONDS = 30;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "onclick" || name === "onchange") node[name] = value;
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function textOf(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((block) => block.content ?? "").join("\n");
  return "";
}

function ago(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, "second");
}

export class ClarionInbox extends HTMLElement {
  static get observedAttributes() {
    return ["api-url", "application-identifier", "subscriber-id", "subscriber-hash", "poll-seconds", "socket-url"];
  }

  constructor() {
    super();
    this.unseen = 0;
    this.messages = [];
    this.view = "feed";
    this.root = this.attachShadow({ mode: "open" });
    this.badge = element("span", { class: "badge", "aria-live": "polite", "aria-atomic": "true", hidden: true });
    this.bell = element("button", {
      class: "bell",
      type: "button",
      part: "bell",
      "aria-haspopup": "dialog",
      "aria-expanded": "false",
      "aria-label": "Notifications",
      onclick: () => this.toggle(),
    });
    this.bell.innerHTML = BELL;
    this.bell.append(this.badge);
    this.body = element("div", { class: "body" });
    this.heading = element("h2", { id: "title" }, "Notifications");
    this.switcher = element("button", { class: "link", type: "button", onclick: () => this.switchView() });
    this.markAll = element("button", { class: "link", type: "button", onclick: () => this.readAll() }, "Mark all read");
    this.panel = element(
      "div",
      { class: "panel", role: "dialog", "aria-labelledby": "title", part: "panel", hidden: true },
      element("header", {}, this.heading, this.markAll, this.switcher),
      this.body,
    );
    this.root.append(element("style", {}, STYLES), this.bell, this.panel);
    this.onKey = (event) => event.key === "Escape" && this.close();
  }

  connectedCallback() {
    this.start();
  }

  disconnectedCallback() {
    clearInterval(this.timer);
    this.timer = undefined;
    this.closeSocket();
  }

  closeSocket() {
    if (this.socket) this.socket.close();
    this.socket = null;
  }

  attributeChangedCallback(name, before, after) {
    if (before !== after && this.isConnected) this.start();
  }

  // A session for the attributes' subscriber, then the count, polled while the element is on the page.
  async start() {
    clearInterval(this.timer);
    this.closeSocket();
    const subscriberId = this.getAttribute("subscriber-id");
    const applicationIdentifier = this.getAttribute("application-identifier");
    if (!subscriberId || !applicationIdentifier) return;
    const started = (this.started = {});
    const api = new WidgetApi(this.getAttribute("api-url") || window.location.origin);
    this.api = null; // no call goes out before the session has its token
    this.failure = null;
    this.messages = [];
    this.loaded = false;
    this.setUnseen(0);
    try {
      await api.initialize(applicationIdentifier, subscriberId, this.getAttribute("subscriber-hash"));
    } catch (error) {
      if (started !== this.started) return;
      this.failure = `The inbox could not start: ${error.message}`;
      this.render();
      return;
    }
    if (started !== this.started) return; // the attributes changed meanwhile: a newer start runs
    this.api = api;
    const socketUrl = this.getAttribute("socket-url");
    if (socketUrl) {
      this.socket = new InboxSocket(socketUrl, api.token, () => this.refresh());
    }
    await this.refresh();
    const seconds = Math.max(1, Number(this.getAttribute("poll-seconds")) || 5);
    this.timer = setInterval(() => {
      if (document.hidden) return;
      const every = this.socket && this.socket.isOpen ? Math.max(seconds, SOCKET_POLL_SECONDS) : seconds;
      if (Date.now() - this.refreshedAt >= every * 1000 - 100) this.refresh();
    }, seconds * 1000);
  }

  async refresh() {
    const api = this.api;
    if (!api) return;
    this.refreshedAt = Date.now();
    try {
      const count = await api.unseenCount();
      if (api !== this.api) return; // a new session started meanwhile
      api.worked = true;
      const changed = count !== this.unseen;
      this.setUnseen(count);
      if (!this.panel.hidden && this.view === "feed" && (changed || !this.loaded)) await this.loadFeed();
    } catch (error) {
      // a token that worked and now fails has expired (1 h): a new session, once (not on a new token's refusal)
      if (error.status === 401 && api === this.api && api.worked) this.start();
    }
  }

  setUnseen(count) {
    const rose = count > this.unseen;
    this.unseen = count;
    this.badge.hidden = count === 0;
    this.badge.textContent = count > 99 ? "99+" : String(count);
    this.bell.setAttribute("aria-label", count ? `Notifications, ${count} unseen` : "Notifications");
    if (rose) this.dispatchEvent(new CustomEvent("clarion-unseen", { detail: { count }, bubbles: true }));
  }

  toggle() {
    if (this.panel.hidden) this.open();
    else this.close();
  }

  open() {
    this.panel.hidden = false;
    this.bell.setAttribute("aria-expanded", "true");
    document.addEventListener("keydown", this.onKey);
    this.view = "feed";
    this.render();
    this.loadFeed();
  }

  close() {
    this.panel.hidden = true;
    this.bell.setAttribute("aria-expanded", "false");
    document.removeEventListener("keydown", this.onKey);
    this.bell.focus();
  }

  switchView() {
    this.view = this.view === "feed" ? "preferences" : "feed";
    if (this.view === "feed") this.loadFeed();
    else this.loadPreferences();
  }

  async loadFeed() {
    const api = this.api;
    if (!api) return;
    try {
      const messages = await api.feed();
      if (api !== this.api) return;
      this.messages = messages;
      this.loaded = true;
      this.render();
    } catch (error) {
      if (api === this.api && this.view === "feed") this.showStatus(`The feed could not be read: ${error.message}`);
    }
  }

  render() {
    this.heading.textContent = this.view === "feed" ? "Notifications" : "Preferences";
    this.switcher.textContent = this.view === "feed" ? "Preferences" : "Back to notifications";
    this.markAll.hidden = this.view !== "feed" || Boolean(this.failure);
    this.switcher.hidden = Boolean(this.failure); // no session: nothing to mark or to set
    if (this.view !== "feed") return;
    if (this.failure) {
      this.showStatus(this.failure);
      return;
    }
    if (!this.loaded) {
      this.body.replaceChildren(element("p", { class: "status" }, "Loading…"));
      return;
    }
    if (!this.messages.length) {
      this.body.replaceChildren(element("p", { class: "empty" }, "No notifications yet."));
      return;
    }
    this.body.replaceChildren(
      element("ul", { class: "feed", "aria-label": "Notifications" }, ...this.messages.map((m) => this.item(m))),
    );
  }

  item(message) {
    const buttons = message.cta?.action?.buttons ?? [];
    const answered = message.cta?.action?.status === "done";
    const actions = buttons.length
      ? element(
          "div",
          { class: "actions" },
          ...buttons.map((button) =>
            element(
              "button",
              {
                type: "button",
                class: button.type,
                disabled: answered,
                onclick: () => this.run(() => this.api.act(message._id, button.type)),
              },
              button.content,
            ),
          ),
        )
      : null;
    return element(
      "li",
      { class: "message", "data-read": String(Boolean(message.read)), "data-id": message._id },
      message.subject ? element("div", { class: "subject" }, message.subject) : null,
      element("div", { class: "content" }, textOf(message.content)),
      actions,
      element(
        "div",
        { class: "meta" },
        element("time", { datetime: message.createdAt, title: message.createdAt }, ago(message.createdAt)),
        message.read
          ? element("span", {}, "Read")
          : element(
              "button",
              { type: "button", class: "link", onclick: () => this.run(() => this.api.markRead(message._id)) },
              "Mark read",
            ),
      ),
    );
  }

  // A change to the inbox, then the count and the feed read again (the server's answer is the truth).
  async run(change) {
    try {
      await change();
    } catch (error) {
      this.showStatus(`That did not work: ${error.message}`);
      return;
    }
    this.loaded = false;
    await this.refresh();
    if (!this.loaded && !this.panel.hidden && this.view === "feed") await this.loadFeed();
  }

  readAll() {
    return this.run(() => this.api.markAllRead());
  }

  async loadPreferences() {
    this.render();
    this.body.replaceChildren(element("p", { class: "status" }, "Loading preferences…"));
    let preferences;
    try {
      preferences = this.api ? await this.api.preferences() : [];
    } catch (error) {
      preferences = error;
    }
    if (this.view !== "preferences") return; // the subscriber went back to the feed meanwhile
    if (preferences instanceof Error) {
      this.showStatus(`The preferences could not be read: ${preferences.message}`);
      return;
    }
    if (preferences === null) {
      this.showStatus("This server does not offer notification preferences.");
      return;
    }
    const rows = preferences.map((entry) => {
      const channels = entry.preference?.channels ?? {};
      const name = entry.template?.name ?? entry.template?._id ?? "Notifications";
      const toggles = CHANNELS.filter((channel) => channel in channels).map((channel) =>
        element(
          "label",
          {},
          element("input", {
            type: "checkbox",
            checked: channels[channel],
            disabled: entry.template?.critical,
            onchange: (event) =>
              this.api
                .setPreference(entry.template._id, channel, event.target.checked)
                .catch((error) => this.showStatus(`The preference was not saved: ${error.message}`)),
          }),
          channel.replace("_", "-"),
        ),
      );
      return element("li", {}, element("div", { class: "subject" }, name), ...toggles);
    });
    this.body.replaceChildren(
      rows.length
        ? element("ul", { class: "preferences", "aria-label": "Preferences" }, ...rows)
        : element("p", { class: "empty" }, "No preferences to set."),
    );
  }

  showStatus(text) {
    this.body.replaceChildren(element("p", { class: "status", role: "status" }, text));
  }
}

if (!customElements.get("clarion-inbox")) customElements.define("clarion-inbox", ClarionInbox);
