// Pause payment collection (for one of the configured lengths, or open-ended) and resume it.

import { choices, h } from "../dom.js";
import { date, duration } from "../format.js";
import { PAUSE_SUBSCRIPTION, RESUME_SUBSCRIPTION } from "../queries.js";
import { actionForm } from "./form.js";

/** `from` plus the option's length on the calendar (a month from Jan 31 is the end of Feb). */
function addInterval(from, option) {
  const result = new Date(from);
  const count = option.intervalCount;
  if (option.interval === "DAY" || option.interval === "WEEK") {
    result.setUTCDate(result.getUTCDate() + count * (option.interval === "WEEK" ? 7 : 1));
    return result;
  }
  const months = count * (option.interval === "YEAR" ? 12 : 1);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0),
  ).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

export function pauseForm(portal, subscription, { done, dismiss }) {
  const feature = portal.features.subscriptionPause;
  const now = new Date();
  const options = feature.intervalOptions.map((option, index) => ({
    value: String(index),
    label: `For ${duration(option.interval, option.intervalCount)}`,
    detail: `Payments resume on ${date(addInterval(now, option).toISOString())}`,
    checked: index === 0,
  }));
  if (feature.indefinite) {
    options.push({
      value: "indefinite",
      label: "Until I resume them",
      detail: null,
      checked: options.length === 0,
    });
  }
  return actionForm({
    children: [
      h("p", {}, "While payments are paused you are not charged, and invoices are voided."),
      choices({ legend: "How long?", name: "length", field: "resumesAt", options }),
    ],
    submitLabel: "Pause payments",
    secondary: { label: "Cancel", onclick: dismiss },
    submit: async (data) => {
      const choice = data.get("length");
      if (choice === null) return [{ field: "resumesAt", message: "Choose how long to pause." }];
      const input = { subscriptionId: subscription.id };
      if (choice !== "indefinite") {
        // Send the length, not a date: the gateway dates it on Stripe's clock.
        const option = feature.intervalOptions[Number(choice)];
        input.pauseFor = { interval: option.interval, intervalCount: option.intervalCount };
      }
      const payload = await portal.api.mutate("pauseSubscription", PAUSE_SUBSCRIPTION, input);
      if (payload.userErrors.length) {
        return payload.userErrors.map((e) =>
          e.field === "pauseFor" ? { ...e, field: "resumesAt" } : e,
        );
      }
      const resumesAt = payload.subscription?.pauseCollection?.resumesAt;
      await done(
        resumesAt
          ? `Payments are paused until ${date(resumesAt)}.`
          : "Payments are paused until you resume them.",
      );
      return [];
    },
  });
}

export function resumeForm(portal, subscription, { done, dismiss }) {
  return actionForm({
    children: [h("p", {}, "Payments start again with your next invoice.")],
    submitLabel: "Resume payments",
    secondary: { label: "Not now", onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("resumeSubscription", RESUME_SUBSCRIPTION, {
        subscriptionId: subscription.id,
      });
      if (payload.userErrors.length) return payload.userErrors;
      await done("Payments have resumed.");
      return [];
    },
  });
}
