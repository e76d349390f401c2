// Live updates: a `billingEvents` subscription over WebSocket (graphql-transport-ws).
// Each event only says what changed; the page refetches. If the socket cannot be opened
// (an older gateway, a proxy without WebSocket), the page simply works without it. When
// the session ends (expired, revoked, signed out elsewhere) the stream says so with a last
// error, and the page is told at once rather than at its next request.

import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import { LIVE } from "./queries.js";

const PROTOCOL = "graphql-transport-ws";
const RETRY_SECONDS = [1, 2, 5, 10, 30];
// Close codes of a socket whose credentials no longer hold.
const CREDENTIALS_REFUSED = [4401, 4403];

/** The error that ends a stream (a `next` without data, or an `error` message), if any. */
function endingError(data) {
  const errors = data.type === "error" ? data.payload : data.payload?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  if (data.type === "next" && data.payload?.data) return null;
  const first = errors[0] ?? {};
  return new ApiError(first.message ?? t("live.ended"), first.extensions?.code);
}

/** The WebSocket URL of an http(s) GraphQL endpoint. */
function socketUrl(httpUrl) {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url;
}

export class LiveUpdates {
  /**
   * `onEvent(event)` runs for each change; `token()` gives the current access token;
   * `onSessionEnded(error)` runs once when the stream says the session is over.
   */
  constructor(graphqlUrl, token, onEvent, onSessionEnded = () => {}) {
    this.url = socketUrl(graphqlUrl);
    this.token = token;
    this.onEvent = onEvent;
    this.onSessionEnded = onSessionEnded;
    this.socket = null;
    this.failures = 0;
    this.stopped = false;
  }

  start() {
    if (this.stopped || this.socket || !("WebSocket" in window)) return;
    let socket;
    try {
      socket = new WebSocket(this.url, PROTOCOL);
    } catch {
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      socket.send(
        JSON.stringify({ type: "connection_init", payload: { accessToken: this.token() } }),
      );
    });
    socket.addEventListener("message", (message) => this.receive(socket, message));
    socket.addEventListener("close", (event) => {
      this.socket = null;
      if (CREDENTIALS_REFUSED.includes(event.code) && !this.stopped) {
        this.ended(new ApiError(t("live.sessionEnded"), "UNAUTHENTICATED"));
        return;
      }
      this.retry();
    });
  }

  receive(socket, message) {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (data.type === "connection_ack") {
      this.failures = 0;
      socket.send(
        JSON.stringify({ id: "billing", type: "subscribe", payload: { query: LIVE } }),
      );
    } else if (data.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (data.type === "next" && data.payload?.data?.billingEvents) {
      this.onEvent(data.payload.data.billingEvents);
    } else if (data.type === "next" || data.type === "error") {
      const error = endingError(data);
      if (error?.sessionEnded) this.ended(error);
      else this.stop(); // any other refusal: the page works without live updates
    } else if (data.type === "complete") {
      this.stop();
    }
  }

  /** The session is over: stop, and tell the page once. */
  ended(error) {
    if (this.stopped) return;
    this.stop();
    this.onSessionEnded(error);
  }

  retry() {
    if (this.stopped) return;
    const delay = RETRY_SECONDS[Math.min(this.failures, RETRY_SECONDS.length - 1)];
    this.failures += 1;
    window.setTimeout(() => this.start(), delay * 1000);
  }

  stop() {
    this.stopped = true;
    this.socket?.close(1000);
    this.socket = null;
  }
}
