// Pause a subscription (for one of the configured lengths, or open-ended where the portal
// allows it) and resume it.

import { choices, h } from "../dom.js";
import { date, duration, money } from "../format.js";
import { PAUSE_SUBSCRIPTION, PREVIEW_RESUME, RESUME_SUBSCRIPTION } from "../queries.js";
import { actionForm } from "./form.js";
import { errorText, t } from "../i18n.js";

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
    label: t("pause.for", { length: duration(option.interval, option.intervalCount) }),
    detail: t("pause.resumesOn", { date: date(addInterval(now, option).toISOString()) }),
    checked: index === 0,
  }));
  if (feature.indefinite) {
    options.push({
      value: "indefinite",
      label: t("pause.indefinite"),
      detail: null,
      checked: options.length === 0,
    });
  }
  return actionForm({
    children: [
      h("p", {}, t("pause.intro")),
      choices({ legend: t("pause.howLong"), name: "length", field: "resumesAt", options }),
    ],
    submitLabel: t("action.PAUSE"),
    secondary: { label: t("cancel"), onclick: dismiss },
    submit: async (data) => {
      const choice = data.get("length");
      if (choice === null) return [{ field: "resumesAt", message: t("pause.choose") }];
      const input = { subscriptionId: subscription.id };
      if (choice !== "indefinite") {
        // Send the length, not a date: the gateway dates it on Stripe's clock.
        const option = feature.intervalOptions[Number(choice)];
        input.pauseFor = { interval: option.interval, intervalCount: option.intervalCount };
      }
      const payload = await portal.api.mutate("pauseSubscription", PAUSE_SUBSCRIPTION, input);
      if (payload.userErrors.length) {
        return payload.userErrors.map((e) =>
          e.field?.startsWith("pauseFor") ? { ...e, field: "resumesAt" } : e,
        );
      }
      const resumesAt = payload.subscription?.resumesAt;
      await done(
        resumesAt
          ? t("pause.doneUntil", { date: date(resumesAt) })
          : t("pause.doneIndefinitely"),
      );
      return [];
    },
  });
}

/** Ask the API what resuming now charges; returns `{ preview }` or `{ errors }`. */
async function previewResume(portal, subscriptionId) {
  const data = await portal.api.request(PREVIEW_RESUME, { id: subscriptionId });
  const payload = data.previewSubscriptionResume;
  return payload.userErrors.length ? { errors: payload.userErrors } : { preview: payload.preview };
}

/**
 * Resuming starts a new period now, charged at once less the credit the pause left: the
 * dialog shows that amount and the next renewal from the preview, and sends its `quote`, so
 * the customer is charged what was shown (or told it changed, and nothing happens).
 */
export function resumeForm(portal, subscription, hooks) {
  previewResume(portal, subscription.id).then(
    ({ preview, errors }) =>
      hooks.setContent(
        errors ? previewFailed(errors, hooks) : resumeStep(portal, subscription, preview, hooks),
      ),
    () => hooks.setContent(previewFailed([{ code: null, message: t("error.unknown") }], hooks)),
  );
  return h("p", { class: "loading", role: "status" }, t("resume.loading"));
}

function previewFailed(errors, { dismiss }) {
  return [
    h("p", { class: "form-alert", role: "alert" }, errors.map((e) => errorText(e)).join(" ")),
    h("button", { type: "button", onclick: dismiss }, t("notNow")),
  ];
}

function resumeStep(portal, subscription, preview, { done, dismiss }) {
  const currency = preview.currency;
  const charges = preview.invoicedNow
    ? [
        preview.prorationAmount
          ? h(
              "p",
              { class: "credit" },
              t("resume.credit", { amount: money(-preview.prorationAmount, currency) }),
            )
          : null,
        h(
          "p",
          { class: "total" },
          t("review.dueNowTotal", { amount: money(preview.amountDueNow, currency) }),
        ),
        h("p", { class: "next" }, t("resume.renewsOn", { date: date(preview.periodEnd) })),
      ]
    : [h("p", { class: "total" }, t("resume.nothingNow", { date: date(preview.periodEnd) }))];
  return actionForm({
    children: [h("p", {}, t("resume.intro")), ...charges],
    submitLabel: t("action.RESUME"),
    secondary: { label: t("notNow"), onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("resumeSubscription", RESUME_SUBSCRIPTION, {
        subscriptionId: subscription.id,
        quote: preview.quote,
      });
      if (payload.userErrors.length) return payload.userErrors;
      await done(t("resume.done"));
      return [];
    },
  });
}
