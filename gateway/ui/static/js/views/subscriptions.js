// Subscription cards: plan, price, status, renewal or end date, pause state, next invoice,
// and the buttons for exactly the actions the API lists in `availableActions`.

import { h, uid } from "../dom.js";
import { date, discountText, money, priceAmount, priceName, STATUSES } from "../format.js";
import { openSubscriptionAction, SUBSCRIPTION_ACTIONS } from "../forms/subscription_actions.js";
import { fact, section } from "./section.js";

export function planName(subscription) {
  return subscription.items
    .map((item) => item.price.product?.name ?? priceName(item.price))
    .join(" + ");
}

function itemLine(item) {
  const amount = priceAmount(item.price);
  return item.quantity === 1 ? amount : `${item.quantity} × ${amount}`;
}

function badge(subscription) {
  if (subscription.isCanceling) return h("span", { class: "badge warning" }, "Canceling");
  if (subscription.isPaused) return h("span", { class: "badge muted" }, "Paused");
  const tone = ["ACTIVE", "TRIALING"].includes(subscription.status) ? "success" : "warning";
  return h(
    "span",
    { class: `badge ${tone}` },
    STATUSES[subscription.status] ?? subscription.status,
  );
}

function periodFact(subscription) {
  if (subscription.endedAt) return fact("Ended", date(subscription.endedAt));
  if (subscription.isCanceling) {
    return fact("Ends on", date(subscription.cancelAt ?? subscription.currentPeriodEnd));
  }
  if (subscription.status === "TRIALING" && subscription.trialEnd) {
    return fact("Trial ends", date(subscription.trialEnd));
  }
  return fact("Renews on", date(subscription.currentPeriodEnd));
}

function pauseFact(subscription) {
  const pause = subscription.pauseCollection;
  if (!subscription.isPaused) return null;
  const until = pause?.resumesAt
    ? `Paused until ${date(pause.resumesAt)}`
    : "Paused until you resume them";
  return fact("Payments", until);
}

function scheduledFact(subscription) {
  const change = subscription.scheduledChange;
  if (!change) return null;
  const to = change.items
    .map((item) => (item.price ? `${priceName(item.price)} (${itemLine(item)})` : "a new plan"))
    .join(", ");
  return fact("Scheduled change", `${to} from ${date(change.effectiveAt)}`);
}

function discountFacts(subscription) {
  return (subscription.discounts ?? []).map((discount) => fact("Discount", discountText(discount)));
}

function upcomingFact(subscription) {
  const invoice = subscription.upcomingInvoice;
  if (!invoice || subscription.isCanceling) return null;
  // While payments are paused the next invoice is voided, unless they resume before it.
  const resumesAt = subscription.pauseCollection?.resumesAt;
  if (subscription.isPaused && (!resumesAt || new Date(resumesAt) > new Date(invoice.created))) {
    return null;
  }
  return fact(
    "Next invoice",
    `${money(invoice.amountDue, invoice.currency)} on ${date(invoice.created)}`,
  );
}

/** The card's facts, without buttons (the flow view shows it too). */
export function subscriptionSummary(subscription, { headingLevel = "h3" } = {}) {
  const titleId = uid("subscription");
  return h(
    "article",
    {
      class: "card subscription",
      "aria-labelledby": titleId,
      dataset: { subscription: subscription.id },
    },
    h(
      "div",
      { class: "card-head" },
      h(
        headingLevel,
        { id: titleId, tabindex: "-1", dataset: { focusKey: `subscription:${subscription.id}` } },
        planName(subscription),
      ),
      badge(subscription),
    ),
    h(
      "ul",
      { class: "items" },
      subscription.items.map((item) =>
        h(
          "li",
          {},
          h("span", { class: "price-name" }, priceName(item.price)),
          " ",
          h("span", { class: "price" }, itemLine(item)),
        ),
      ),
    ),
    h(
      "dl",
      { class: "facts" },
      periodFact(subscription),
      pauseFact(subscription),
      scheduledFact(subscription),
      discountFacts(subscription),
      upcomingFact(subscription),
    ),
  );
}

function actionButtons(portal, subscription) {
  const buttons = SUBSCRIPTION_ACTIONS.filter((action) =>
    subscription.availableActions.includes(action.action),
  ).map((action) =>
    h(
      "button",
      {
        type: "button",
        class: action.danger ? "secondary danger-text" : "secondary",
        dataset: { focusKey: `${action.action}:${subscription.id}` },
        onclick: () => openSubscriptionAction(portal, action, subscription),
      },
      action.label,
    ),
  );
  if (buttons.length) return h("div", { class: "actions" }, buttons);
  return whyNoActions(subscription);
}

/** No button at all: say why (the reason the API gives for canceling, or the first one). */
function whyNoActions(subscription) {
  if (subscription.endedAt || !subscription.unavailableActions.length) return null;
  const reasons = subscription.unavailableActions;
  const reason = reasons.find((entry) => entry.action === "CANCEL") ?? reasons[0];
  return h("p", { class: "muted no-actions" }, `Nothing can be changed here: ${reason.message}`);
}

export function renderSubscriptions(portal) {
  const subscriptions = portal.data.subscriptions;
  return section(
    { title: "Subscriptions", className: "subscriptions" },
    subscriptions.length
      ? subscriptions.map((subscription) => {
          const card = subscriptionSummary(subscription);
          const buttons = actionButtons(portal, subscription);
          if (buttons) card.append(buttons);
          return card;
        })
      : h("p", { class: "empty" }, "You have no subscriptions."),
  );
}
