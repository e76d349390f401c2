// The page's state: the session, what it may see, the customer's data, and re-rendering.

import { announce, fill, h } from "./dom.js";
import { setLocale } from "./format.js";
import { errorText, t, useLanguage } from "./i18n.js";
import { LiveUpdates } from "./live.js";
import { MORE_INVOICES, OVERVIEW, SESSION } from "./queries.js";
import { renderChrome } from "./views/chrome.js";
import { renderFlow } from "./views/flow.js";
import { renderHome } from "./views/home.js";

export class Portal {
  constructor(api, config, root) {
    this.api = api;
    this.config = config;
    this.root = root;
    this.session = null;
    this.data = null;
    // A flow session shows only its flow until the flow is done.
    this.flowDone = false;
    this.live = null;
    this.stale = false;
    if (api) api.onSessionEnded = (error) => this.fail(error);
  }

  get features() {
    return this.session.configuration.features;
  }

  get flow() {
    return this.session.flow;
  }

  /** Where "Back" goes: the session's return URL, else the configuration's. */
  get returnUrl() {
    return this.session.returnUrl ?? this.session.configuration.defaultReturnUrl ?? null;
  }

  /** Whether this session may look at payment methods (the API refuses otherwise). */
  get showsPaymentMethods() {
    const flow = this.flow;
    return (
      this.features.paymentMethodUpdate.enabled && (!flow || flow.type === "PAYMENT_METHOD_UPDATE")
    );
  }

  get showsInvoices() {
    return this.features.invoiceHistory.enabled && !this.flow;
  }

  /** The customer fields this session may change (`EMAIL`, `ADDRESS`, `TAX_ID`, ...). */
  get editableFields() {
    const feature = this.features.customerUpdate;
    const flow = this.flow;
    if (!feature.enabled || (flow && flow.type !== "CUSTOMER_UPDATE")) return new Set();
    return new Set(feature.allowedUpdates);
  }

  /** The plan (product, quantity limits) a price belongs to. */
  planFor(price) {
    return (this.data.plans ?? []).find((plan) => plan.product.id === price.product?.id) ?? null;
  }

  subscription(id) {
    return this.data.subscriptions.find((subscription) => subscription.id === id) ?? null;
  }

  async load() {
    const { session } = await this.api.request(SESSION);
    this.session = session;
    setLocale(await useLanguage(session.locale, this.config.languages));
    this.data = await this.api.request(OVERVIEW, {
      paymentMethods: this.showsPaymentMethods,
      invoices: this.showsInvoices,
      plans: this.features.subscriptionUpdate.enabled,
    });
  }

  render() {
    renderChrome(this);
    const inFlow = this.flow && !this.flowDone;
    fill(this.root, inFlow ? renderFlow(this) : renderHome(this));
    this.root.setAttribute("aria-busy", "false");
    // The home page follows changes made elsewhere (another tab, Stripe); a flow stays put.
    if (!inFlow) this.followChanges();
  }

  followChanges() {
    if (this.live) return;
    this.live = new LiveUpdates(
      this.api.url,
      () => this.api.token,
      () => this.changedElsewhere(),
      (error) => {
        // Signed out at once: the token is dropped and the page says why.
        this.api.forgetToken();
        this.fail(error);
      },
    );
    this.live.start();
    document.addEventListener("close", () => this.stale && this.changedElsewhere(), true);
  }

  /**
   * Something changed: refetch, unless the customer is in the middle of something. A form
   * being sent is followed by its own refetch; an open dialog is left alone until it closes.
   */
  changedElsewhere() {
    if (
      document.querySelector("form[aria-busy=true]") ||
      this.root.getAttribute("aria-busy") === "true"
    ) {
      return;
    }
    if (document.querySelector("dialog[open]")) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const focused = document.activeElement?.closest("[data-focus-key]")?.dataset.focusKey ?? null;
    this.refresh({ focus: focused, quiet: true });
  }

  /**
   * Reload and redraw after a change, announce `message`, and put focus on the element
   * marked `data-focus-key=<focus>` (else on the main heading) so keyboard users keep their place.
   */
  async refresh({ message = null, focus = null, quiet = false } = {}) {
    this.stale = false;
    this.root.setAttribute("aria-busy", "true");
    try {
      await this.load();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.render();
    if (message) announce(message, { tone: "success" });
    const target = focus && this.root.querySelector(`[data-focus-key="${CSS.escape(focus)}"]`);
    // A quiet refresh (a change from elsewhere) never pulls focus to the top of the page.
    if (target) target.focus();
    else if (!quiet) this.root.querySelector("h1")?.focus();
  }

  async loadMoreInvoices() {
    const page = this.data.invoices.pageInfo;
    const { invoices } = await this.api.request(MORE_INVOICES, { after: page.endCursor });
    this.data.invoices = {
      nodes: [...this.data.invoices.nodes, ...invoices.nodes],
      pageInfo: invoices.pageInfo,
    };
    return invoices.nodes;
  }

  /** A flow finished: go where the session's `afterCompletion` says. */
  async finishFlow(message) {
    const after = this.flow.afterCompletion;
    if (after.type === "REDIRECT" && after.returnUrl) {
      announce(`${message} ${t("flow.takingBack")}`, { tone: "success" });
      window.location.assign(after.returnUrl);
      return;
    }
    this.flowDone = true;
    if (after.type === "HOSTED_CONFIRMATION") {
      renderChrome(this);
      fill(this.root, confirmation(this, after.customMessage || message));
      this.root.querySelector("h1")?.focus();
      return;
    }
    await this.refresh({ message });
  }

  /** Show why the page cannot go on (expired session, unreachable API). */
  fail(error) {
    if (error.code === "SESSION_ALREADY_USED") {
      this.linkUsed(error);
      return;
    }
    this.live?.stop();
    for (const open of document.querySelectorAll("dialog[open]")) open.close();
    this.root.setAttribute("aria-busy", "false");
    const ended = error.sessionEnded;
    fill(
      this.root,
      h(
        "section",
        { class: "card notice", "aria-labelledby": "problem-title" },
        h(
          "h1",
          { id: "problem-title", tabindex: "-1" },
          ended ? t("ended.title") : t("problem.title"),
        ),
        h("p", {}, errorText(error)),
        ended ? h("p", {}, t("ended.again")) : null,
        this.session && this.returnUrl
          ? h("p", {}, h("a", { href: this.returnUrl }, t("returnToSite")))
          : null,
      ),
    );
    this.root.querySelector("h1").focus();
  }

  /** A link opened twice: say so, and offer the way back to the site (or say how to get there). */
  linkUsed(error) {
    this.live?.stop();
    this.root.setAttribute("aria-busy", "false");
    const back = error.returnUrl ?? (this.session ? this.returnUrl : null);
    fill(
      this.root,
      h(
        "section",
        { class: "card notice", "aria-labelledby": "problem-title" },
        h("h1", { id: "problem-title", tabindex: "-1" }, t("used.title")),
        back
          ? [
              h("p", {}, t("used.body")),
              h("p", {}, h("a", { class: "button primary", href: back }, t("returnToSite"))),
            ]
          : h("p", {}, t("used.noWayBack")),
      ),
    );
    this.root.querySelector("h1").focus();
  }
}

function confirmation(portal, message) {
  return h(
    "section",
    { class: "card notice", "aria-labelledby": "done-title" },
    h("h1", { id: "done-title", tabindex: "-1" }, t("allDone")),
    h("p", { role: "status" }, message),
    portal.returnUrl
      ? h(
          "p",
          {},
          h("a", { class: "button primary", href: portal.returnUrl }, t("returnToSite")),
        )
      : null,
  );
}
