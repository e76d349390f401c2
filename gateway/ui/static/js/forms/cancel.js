// Cancel (with the reason survey when the configuration turns it on) and undo a cancel.

import { choices, field, h } from "../dom.js";
import { date, REASONS } from "../format.js";
import { CANCEL_SUBSCRIPTION, RENEW_SUBSCRIPTION } from "../queries.js";
import { actionForm } from "./form.js";

/** The reasons to pick from, and a comment box that goes with any of them (Stripe keeps it as
 * `cancellation_details.comment`). */
function reasonSurvey(options) {
  const reasons = choices({
    legend: "Why are you canceling? (optional)",
    name: "reason",
    options: options.map((reason) => ({ value: reason, label: REASONS[reason] ?? reason })),
  });
  const comment = field({
    label: "Tell us more (optional)",
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
    intro = `Your subscription stays active until ${date(endsAt)}, then ends. You can undo this until then.`;
  } else {
    intro = "Your subscription ends right away.";
    if (feature.prorationBehavior !== "NONE") intro += " You are credited for the unused time.";
  }
  return actionForm({
    children: [h("p", {}, intro), survey],
    submitLabel: "Cancel subscription",
    danger: true,
    secondary: { label: "Keep subscription", onclick: dismiss },
    submit: async (data) => {
      const input = { subscriptionId: subscription.id };
      if (data.get("reason")) input.reason = data.get("reason");
      const comment = String(data.get("comment") ?? "").trim();
      if (comment) input.comment = comment;
      const payload = await portal.api.mutate("cancelSubscription", CANCEL_SUBSCRIPTION, input);
      if (payload.userErrors.length) return payload.userErrors;
      await done(
        atPeriodEnd
          ? `Your subscription will end on ${date(endsAt)}.`
          : "Your subscription has been canceled.",
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
        `Your subscription will no longer end. It renews on ${date(subscription.currentPeriodEnd)} as usual.`,
      ),
    ],
    submitLabel: "Keep subscription",
    secondary: { label: "Not now", onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("renewSubscription", RENEW_SUBSCRIPTION, {
        subscriptionId: subscription.id,
      });
      if (payload.userErrors.length) return payload.userErrors;
      await done("Your subscription will renew as usual.");
      return [];
    },
  });
}
