// A flow session (Stripe's deep links): only the one action, opened straight away.

import { h } from "../dom.js";
import { paymentMethodName } from "../format.js";
import { addCardForm } from "../forms/add_card.js";
import { reviewStep } from "../forms/change_plan.js";
import { actionFor } from "../forms/subscription_actions.js";
import { PREVIEW_UPDATE } from "../queries.js";
import { renderAccount } from "./account.js";
import { subscriptionSummary } from "./subscriptions.js";
import { errorText, t } from "../i18n.js";


// The action each flow opens on: the first of these the subscription allows.
const FLOW_ACTIONS = {
  SUBSCRIPTION_CANCEL: ["CANCEL"],
  SUBSCRIPTION_PAUSE: ["PAUSE"],
  SUBSCRIPTION_UPDATE: ["SWITCH_PRICE", "CHANGE_QUANTITY", "APPLY_PROMOTION_CODE"],
};

function leave(portal) {
  if (portal.returnUrl) window.location.assign(portal.returnUrl);
}

/** The hooks a form gets in a flow: it fills the flow's panel and finishes the flow. */
function hooks(portal, panel) {
  return {
    done: (message) => portal.finishFlow(message),
    dismiss: portal.returnUrl ? () => leave(portal) : null,
    setContent: (...children) => {
      panel.replaceChildren(...children);
      panel.querySelector("input, select, textarea, button")?.focus();
    },
  };
}

function unavailable(message) {
  return h("p", { class: "notice-inline", role: "alert" }, message);
}

async function confirmFlow(portal, subscription, panel) {
  const item = portal.flow.item;
  const input = { subscriptionId: subscription.id };
  if (item.priceId) input.priceId = item.priceId;
  if (item.quantity !== null && item.quantity !== undefined) input.quantity = item.quantity;
  const data = await portal.api.request(PREVIEW_UPDATE, { input });
  const payload = data.previewSubscriptionUpdate;
  if (payload.userErrors.length) {
    panel.replaceChildren(unavailable(payload.userErrors.map(errorText).join(" ")));
    return;
  }
  const flowHooks = hooks(portal, panel);
  panel.replaceChildren(
    reviewStep(portal, subscription, input, payload.preview, {
      done: flowHooks.done,
      back: flowHooks.dismiss,
      backLabel: t("notNow"),
    }),
  );
}

function subscriptionFlow(portal, panel) {
  const flow = portal.flow;
  const subscription = portal.subscription(flow.subscriptionId);
  if (!subscription) return [unavailable(t("flow.notFound"))];
  const parts = [subscriptionSummary(subscription, { headingLevel: "h2" })];
  if (flow.type === "SUBSCRIPTION_UPDATE_CONFIRM") {
    panel.append(h("p", { class: "muted" }, t("flow.working")));
    confirmFlow(portal, subscription, panel).catch((error) =>
      panel.replaceChildren(unavailable(errorText(error))),
    );
    return [...parts, panel];
  }
  const candidates = FLOW_ACTIONS[flow.type] ?? [];
  const name = candidates.find((action) => subscription.availableActions.includes(action));
  if (!name) {
    const reason = subscription.unavailableActions.find((entry) => entry.action === candidates[0]);
    return [...parts, unavailable(reason ? errorText(reason) : t("flow.unavailable"))];
  }
  panel.append(actionFor(name).build(portal, subscription, hooks(portal, panel)));
  return [...parts, panel];
}

function paymentMethodFlow(portal, panel) {
  const current = (portal.data.paymentMethods ?? []).find((method) => method.isDefault);
  const flowHooks = hooks(portal, panel);
  panel.append(
    addCardForm(portal, {
      ...flowHooks,
      // The deep link's promise (as on Stripe): the gateway made the new card the default.
      done: (message, { becameDefault }) =>
        flowHooks.done(becameDefault ? `${message} ${t("flow.nowDefault")}` : message),
    }),
  );
  return [
    current ? h("p", {}, t("flow.currentDefault", { card: paymentMethodName(current) })) : null,
    panel,
  ];
}

export function renderFlow(portal) {
  const flow = portal.flow;
  const panel = h("div", { class: "flow-panel card" });
  let body;
  if (flow.type === "PAYMENT_METHOD_UPDATE") body = paymentMethodFlow(portal, panel);
  else if (flow.type === "CUSTOMER_UPDATE") {
    const finish = () => portal.finishFlow(t("flow.detailsDone"));
    body = [
      renderAccount(portal),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "button", class: "primary", onclick: finish }, t("done")),
      ),
    ];
  } else body = subscriptionFlow(portal, panel);
  return h(
    "div",
    { class: "flow", dataset: { flow: flow.type } },
    h(
      "div",
      { class: "page-title" },
      h("h1", { tabindex: "-1" }, t(`flow.title.${flow.type}`)),
    ),
    body,
  );
}
