// Undo a plan change queued for the end of the period: the subscription keeps its plan.

import { h } from "../dom.js";
import { date, priceName } from "../format.js";
import { UNDO_SCHEDULED_CHANGE } from "../queries.js";
import { actionForm } from "./form.js";

function queuedPlan(subscription) {
  const change = subscription.scheduledChange;
  return change.items.map((item) => (item.price ? priceName(item.price) : "a new plan")).join(", ");
}

export function undoScheduledChangeForm(portal, subscription, { done, dismiss }) {
  const change = subscription.scheduledChange;
  return actionForm({
    children: [
      h(
        "p",
        {},
        `The change to ${queuedPlan(subscription)} on ${date(change.effectiveAt)} will not happen. ` +
          "You keep your current plan, which renews as usual.",
      ),
    ],
    submitLabel: "Keep current plan",
    secondary: { label: "Not now", onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("undoScheduledChange", UNDO_SCHEDULED_CHANGE, {
        subscriptionId: subscription.id,
      });
      if (payload.userErrors.length) return payload.userErrors;
      await done("The scheduled change was undone. Your plan stays as it is.");
      return [];
    },
  });
}
