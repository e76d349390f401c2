// Cancel (with the reason survey when the configuration turns it on) and undo a cancel.

import { choices, field, h } from "../dom.js";
import { date, reasonLabel } from "../format.js";
import { CANCEL_SUBSCRIPTION, RENEW_SUBSCRIPTION } from "../queries.js";
import { actionForm } from "./form.js";
import { t } from "../i18n.js";

/** The reasons to pick from, and a comment box that goes with any of them (Stripe keeps it as
 * `cancellation_details.comment`). */
function reasonSurvey(options) {
  const reasons = choices({
    legend: t("cancel.why"),
    name: "reason",
    options: options.map((reason) => ({ value: reason, label: reasonLabel(reason) })),
  });
  const comment = field({
    label: t("cancel.comment"),
    name: "comment",
    control: h("textarea", { name: "comment", rows: "3", maxlength: "5000" }),
  });
  return [reasons, comment];
}

export function cancelForm(portal, subscription, { done, dismiss }) {
  const feature = portal.features.subscriptionCancel;
  const atPeriodEnd = feature.mode === "AT_PERIOD_END";
  const endsAt = subscription.currentPeriodEnd;
  const survey = feature.cancellationReason.enabled
    ? reasonSurvey(feature.cancellationReason.options)
    : [];
  let intro;
  if (atPeriodEnd) {
    intro = t("cancel.atPeriodEnd", { date: date(endsAt) });
  } else {
    intro = t("cancel.now");
    if (feature.prorationBehavior !== "NONE") intro += ` ${t("cancel.credited")}`;
  }
  return actionForm({
    children: [h("p", {}, intro), survey],
    submitLabel: t("action.CANCEL"),
    danger: true,
    secondary: { label: t("cancel.keep"), onclick: dismiss },
    submit: async (data) => {
      const input = { subscriptionId: subscription.id };
      if (data.get("reason")) input.reason = data.get("reason");
      const comment = String(data.get("comment") ?? "").trim();
      if (comment) input.comment = comment;
      const payload = await portal.api.mutate("cancelSubscription", CANCEL_SUBSCRIPTION, input);
      if (payload.userErrors.length) return payload.userErrors;
      await done(
        atPeriodEnd
          ? t("cancel.doneAtPeriodEnd", { date: date(endsAt) })
          : t("cancel.doneNow"),
      );
      return [];
    },
  });
}

export function renewForm(portal, subscription, { done, dismiss }) {
  return actionForm({
    children: [
      h(
        "p",
        {},
        t("renew.intro", { date: date(subscription.currentPeriodEnd) }),
      ),
    ],
    submitLabel: t("cancel.keep"),
    secondary: { label: t("notNow"), onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("renewSubscription", RENEW_SUBSCRIPTION, {
        subscriptionId: subscription.id,
      });
      if (payload.userErrors.length) return payload.userErrors;
      await done(t("renew.done"));
      return [];
    },
  });
}
