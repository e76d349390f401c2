// The home page: subscriptions, payment methods, billing details, invoices.

import { h } from "../dom.js";
import { renderAccount } from "./account.js";
import { renderInvoices } from "./invoices.js";
import { renderPastDue } from "./past_due.js";
import { renderPaymentMethods } from "./payment_methods.js";
import { renderSubscriptions } from "./subscriptions.js";
import { t } from "../i18n.js";

export function renderHome(portal) {
  const customer = portal.data.customer;
  return h(
    "div",
    { class: "home" },
    h(
      "div",
      { class: "page-title" },
      h("h1", { tabindex: "-1" }, t("pageTitle")),
      customer?.email ? h("p", { class: "muted" }, t("signedInAs", { email: customer.email })) : null,
    ),
    renderPastDue(portal),
    renderSubscriptions(portal),
    portal.showsPaymentMethods ? renderPaymentMethods(portal) : null,
    customer ? renderAccount(portal) : null,
    portal.showsInvoices ? renderInvoices(portal) : null,
  );
}
