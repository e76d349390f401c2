// Undo a plan change queued for the end of the period: the subscription keeps its plan.

import { h } from "../dom.js";
import { date, priceName } from "../format.js";
import { UNDO_SCHEDULED_CHANGE } from "../queries.js";
import { actionForm } from "./form.js";
import { t } from "../i18n.js";

function queuedPlan(subscription) {
  const change = subscription.scheduledChange;
  return change.items.map((item) => (item.price ? priceName(item.price) : t("plan.new"))).join(", ");
}

export function undoScheduledChangeForm(portal, subscription, { done, dismiss }) {
  const change = subscription.scheduledChange;
  return actionForm({
    children: [
      h(
        "p",
        {},
        t("undoChange.intro", { plan: queuedPlan(subscription), date: date(change.effectiveAt) }),
      ),
    ],
    submitLabel: t("undoChange.submit"),
    secondary: { label: t("notNow"), onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("undoScheduledChange", UNDO_SCHEDULED_CHANGE, {
        subscriptionId: subscription.id,
      });
      if (payload.userErrors.length) return payload.userErrors;
      await done(t("undoChange.done"));
      return [];
    },
  });
}
