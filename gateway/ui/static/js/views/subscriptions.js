// Subscription cards: plan, price, status, renewal or end date, pause state, next invoice,
// and the buttons for exactly the actions the API lists in `availableActions`.

import { h, uid } from "../dom.js";
import { date, discountText, itemAmount, money, priceName, statusLabel } from "../format.js";
import { openSubscriptionAction, SUBSCRIPTION_ACTIONS } from "../forms/subscription_actions.js";
import { fact, section } from "./section.js";
import { errorText, t } from "../i18n.js";

export function planName(subscription) {
  return subscription.items
    .map((item) => item.price.product?.name ?? priceName(item.price))
    .join(" + ");
}

function itemLine(item) {
  return itemAmount(item);
}

function badge(subscription) {
  if (subscription.isCanceling) return h("span", { class: "badge warning" }, t("subscription.canceling"));
  if (subscription.isPaused) return h("span", { class: "badge muted" }, t("status.PAUSED"));
  const tone = ["ACTIVE", "TRIALING"].includes(subscription.status) ? "success" : "warning";
  return h(
    "span",
    { class: `badge ${tone}` },
    statusLabel(subscription.status),
  );
}

function periodFact(subscription) {
  if (subscription.endedAt) return fact(t("subscription.ended"), date(subscription.endedAt));
  if (subscription.isCanceling) {
    return fact(
      t("subscription.endsOn"),
      date(subscription.cancelAt ?? subscription.currentPeriodEnd),
    );
  }
  // A paused subscription does not renew: pauseFact says when (or whether) it resumes.
  if (subscription.isPaused || subscription.status === "PAUSED") return null;
  if (subscription.status === "TRIALING" && subscription.trialEnd) {
    return fact(t("subscription.trialEnds"), date(subscription.trialEnd));
  }
  return fact(t("subscription.renewsOn"), date(subscription.currentPeriodEnd));
}

function pauseFact(subscription) {
  if (!subscription.isPaused && subscription.status !== "PAUSED") return null;
  // Stripe resumes a pause for a length by itself (`resumesAt`); a business may also have
  // paused payment collection until a date.
  const resumesAt = subscription.resumesAt ?? subscription.pauseCollection?.resumesAt;
  const until = resumesAt
    ? t("subscription.pausedUntil", { date: date(resumesAt) })
    : t("subscription.pausedIndefinitely");
  return fact(t("subscription.pauseState"), until);
}

function scheduledFact(subscription) {
  const change = subscription.scheduledChange;
  if (!change) return null;
  const to = change.items
    .map((item) => (item.price
        ? t("plan.withPrice", { plan: priceName(item.price), price: itemLine(item) })
        : t("plan.new")))
    .join(", ");
  return fact(
    t("subscription.scheduledChange"),
    t("subscription.changeFrom", { plan: to, date: date(change.effectiveAt) }),
  );
}

function discountFacts(subscription) {
  return (subscription.discounts ?? []).map((discount) => fact(t("subscription.discount"), discountText(discount)));
}

function upcomingFact(subscription) {
  const invoice = subscription.upcomingInvoice;
  if (!invoice || subscription.isCanceling) return null;
  // A paused subscription's next invoice is the one its resume date makes. While a business
  // pauses payment collection, the next invoice is voided unless collection resumes first.
  const collectionResumes = subscription.pauseCollection?.resumesAt;
  if (
    subscription.pauseCollection &&
    (!collectionResumes || new Date(collectionResumes) > new Date(invoice.created))
  ) {
    return null;
  }
  return fact(
    t("subscription.nextInvoice"),
    t("amountOn", { amount: money(invoice.amountDue, invoice.currency), date: date(invoice.created) }),
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
          item.price.product?.description
            ? h("span", { class: "price-description muted" }, item.price.product.description)
            : null,
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
  return h("p", { class: "muted no-actions" }, t("subscription.noActions", { reason: errorText(reason) }));
}

export function renderSubscriptions(portal) {
  const subscriptions = portal.data.subscriptions;
  return section(
    { title: t("subscriptions.title"), className: "subscriptions" },
    subscriptions.length
      ? subscriptions.map((subscription) => {
          const card = subscriptionSummary(subscription);
          const buttons = actionButtons(portal, subscription);
          if (buttons) card.append(buttons);
          return card;
        })
      : h("p", { class: "empty" }, t("subscriptions.empty")),
  );
}
