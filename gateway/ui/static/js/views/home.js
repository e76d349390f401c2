// The home page: subscriptions, payment methods, billing details, invoices.

import { h } from "../dom.js";
import { renderAccount } from "./account.js";
import { renderInvoices } from "./invoices.js";
import { renderPastDue } from "./past_due.js";
import { renderPaymentMethods } from "./payment_methods.js";
import { renderSubscriptions } from "./subscriptions.js";

export function renderHome(portal) {
  const customer = portal.data.customer;
  return h(
    "div",
    { class: "home" },
    h(
      "div",
      { class: "page-title" },
      h("h1", { tabindex: "-1" }, "Billing"),
      customer?.email ? h("p", { class: "muted" }, `Signed in as ${customer.email}`) : null,
    ),
    renderPastDue(portal),
    renderSubscriptions(portal),
    portal.showsPaymentMethods ? renderPaymentMethods(portal) : null,
    customer ? renderAccount(portal) : null,
    portal.showsInvoices ? renderInvoices(portal) : null,
  );
}
