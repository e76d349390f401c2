// Live updates: a `billingEvents` subscription over WebSocket (graphql-transport-ws).
// Each event only says what changed; the page refetches. If the socket cannot be opened
// (an older gateway, a proxy without WebSocket), the page simply works without it.

const PROTOCOL = "graphql-transport-ws";
const SUBSCRIPTION = "subscription Live { billingEvents { id kind source } }";
const RETRY_SECONDS = [1, 2, 5, 10, 30];

/** The WebSocket URL of an http(s) GraphQL endpoint. */
function socketUrl(httpUrl) {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url;
}

export class LiveUpdates {
  /** `onEvent(event)` runs for each change; `token()` gives the current access token. */
  constructor(graphqlUrl, token, onEvent) {
    this.url = socketUrl(graphqlUrl);
    this.token = token;
    this.onEvent = onEvent;
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
      // 4401/4403: the credentials are no longer good; the next request will say so.
      if (event.code === 4401 || event.code === 4403) this.stopped = true;
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
        JSON.stringify({ id: "billing", type: "subscribe", payload: { query: SUBSCRIPTION } }),
      );
    } else if (data.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (data.type === "next" && data.payload?.data?.billingEvents) {
      this.onEvent(data.payload.data.billingEvents);
    } else if (data.type === "error" || data.type === "complete") {
      // The subscription ended (for example the session expired): stop quietly.
      this.stop();
    }
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
