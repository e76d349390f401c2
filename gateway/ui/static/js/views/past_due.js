// The past-due banner: a subscription whose latest invoice is waiting for payment (its
// renewal was declined) says so at the top, with "Pay now". Paying charges the card the
// customer picks (or the default); a card that changed is added first, in the same dialog.

import { openDialog } from "../dialog.js";
import { choices, h } from "../dom.js";
import { money, paymentMethodName } from "../format.js";
import { actionForm } from "../forms/form.js";
import { PAY_INVOICE } from "../queries.js";
import { openAddCard } from "./payment_methods.js";
import { planName } from "./subscriptions.js";
import { t, tParts } from "../i18n.js";

/** Subscriptions the API says can be paid now (PAY_INVOICE), with the invoice to pay. */
export function owingSubscriptions(portal) {
  return portal.data.subscriptions.filter(
    (subscription) =>
      subscription.availableActions.includes("PAY_INVOICE") && subscription.latestInvoiceId,
  );
}

function amountDue(portal, subscription) {
  const invoice = (portal.data.invoices?.nodes ?? []).find(
    (node) => node.id === subscription.latestInvoiceId,
  );
  return invoice ? money(invoice.amountRemaining, invoice.currency) : null;
}

function payForm(portal, subscription, { done, dismiss }) {
  const methods = portal.data.paymentMethods ?? [];
  const due = amountDue(portal, subscription);
  const children = [
    h(
      "p",
      {},
      due
        ? t("pay.amount", { amount: due, plan: planName(subscription) })
        : t("pay.invoice", { plan: planName(subscription) }),
    ),
  ];
  if (methods.length) {
    children.push(
      choices({
        legend: t("pay.with"),
        name: "paymentMethodId",
        options: methods.map((method) => ({
          value: method.id,
          label: paymentMethodName(method),
          detail: method.isDefault ? t("pay.default") : null,
          checked: method.isDefault,
        })),
      }),
    );
  }
  if (portal.showsPaymentMethods) {
    children.push(
      h(
        "p",
        { class: "muted" },
        tParts("pay.cardChanged", {
          link: h(
            "button",
            {
              type: "button",
              class: "link-button",
              onclick: () => {
                dismiss();
                openAddCard(portal);
              },
            },
            t("pay.addLink"),
          ),
        }),
      ),
    );
  }
  return actionForm({
    children,
    submitLabel: t("pay.now"),
    secondary: { label: t("notNow"), onclick: dismiss },
    // A decline names the card: show it at the card choice.
    fieldFor: (error) => (error.field === "paymentMethodId" && methods.length ? error.field : null),
    submit: async (data) => {
      const input = { invoiceId: subscription.latestInvoiceId };
      const chosen = data.get("paymentMethodId");
      if (chosen) input.paymentMethodId = chosen;
      const payload = await portal.api.mutate("payInvoice", PAY_INVOICE, input);
      if (payload.userErrors.length) return payload.userErrors;
      await done(t("pay.done"));
      return [];
    },
  });
}

export function openPayInvoice(portal, subscription) {
  openDialog({
    title: t("pay.now"),
    build: ({ close }) =>
      payForm(portal, subscription, {
        dismiss: close,
        done: async (message) => {
          close();
          await portal.refresh({ message, focus: `subscription:${subscription.id}` });
        },
      }),
  });
}

export function renderPastDue(portal) {
  const owing = owingSubscriptions(portal);
  if (!owing.length) return null;
  return h(
    "section",
    { class: "notice-inline past-due", role: "region", "aria-label": t("pay.due") },
    owing.map((subscription) =>
      h(
        "div",
        { class: "past-due-row" },
        h(
          "p",
          {},
          t("pay.failed", { plan: planName(subscription) }),
        ),
        h(
          "button",
          {
            type: "button",
            class: "primary",
            dataset: { focusKey: `PAY_INVOICE:${subscription.id}` },
            onclick: () => openPayInvoice(portal, subscription),
          },
          t("pay.now"),
        ),
      ),
    ),
  );
}
