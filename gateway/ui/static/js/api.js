// The GraphQL client: one POST per operation, the access token as a Bearer header.

import { t } from "./i18n.js";
import { REDEEM_SESSION } from "./queries.js";

const TOKEN_KEY = "portal.session";

/** A request that failed as a whole: network, HTTP, or a top-level GraphQL error. */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    // For a link already used: where the customer goes back to (from the API), if known.
    this.returnUrl = null;
  }

  /** The session is over: the customer needs a new portal link. */
  get sessionEnded() {
    return ["UNAUTHENTICATED", "SESSION_EXPIRED", "SESSION_ALREADY_USED"].includes(this.code);
  }
}

export class Api {
  constructor(url) {
    this.url = url;
    this.token = null;
    // Called when a request finds the session over (expired, revoked, signed out).
    this.onSessionEnded = null;
  }

  async request(query, variables = {}) {
    try {
      return await this.send(query, variables);
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded && this.token) {
        this.forgetToken();
        this.onSessionEnded?.(error);
      }
      throw error;
    }
  }

  async send(query, variables) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables }),
        credentials: "omit",
      });
    } catch {
      throw new ApiError(t("error.NETWORK"), "NETWORK");
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ApiError(t("error.HTTP", { status: response.status }), "HTTP");
    }
    if (body.errors?.length) {
      const [first] = body.errors;
      throw new ApiError(first.message, first.extensions?.code ?? "ERROR");
    }
    if (!response.ok || !body.data) {
      throw new ApiError(t("error.HTTP", { status: response.status }), "HTTP");
    }
    return body.data;
  }

  /** Run a mutation and return its payload (`{ ..., userErrors }`). */
  async mutate(name, query, input) {
    const data = await this.request(query, input === undefined ? {} : { input });
    return data[name];
  }

  /**
   * Trade the one-time code from the portal link for `{ token, expiresAt }`, without using
   * or keeping it yet (`useToken`): the page may hold another customer's session.
   */
  async exchange(code) {
    const data = await this.send(
      REDEEM_SESSION,
      { code },
    );
    const payload = data.redeemPortalSession;
    if (payload.userErrors.length) {
      const [error] = payload.userErrors;
      const failure = new ApiError(error.message, error.code);
      failure.returnUrl = payload.returnUrl ?? null;
      throw failure;
    }
    return { token: payload.accessToken, expiresAt: payload.expiresAt };
  }

  /** Keep the token for this tab only, so a reload does not need the (used) code again. */
  useToken(token, expiresAt) {
    this.token = token;
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token, expiresAt }));
  }

  /** The token this tab redeemed earlier, if it has not expired. */
  restoreToken() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? "null");
      if (saved && new Date(saved.expiresAt) > new Date()) {
        this.token = saved.token;
        return true;
      }
    } catch {
      // Unreadable: treat as absent.
    }
    this.forgetToken();
    return false;
  }

  forgetToken() {
    this.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
  }
}
