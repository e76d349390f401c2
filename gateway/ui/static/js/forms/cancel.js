// Cancel (with the reason survey when the configuration turns it on) and undo a cancel.

import { choices, field, h } from "../dom.js";
import { couponTerms, date, reasonLabel } from "../format.js";
import { ACCEPT_RETENTION_OFFER, CANCEL_SUBSCRIPTION, RENEW_SUBSCRIPTION } from "../queries.js";
import { actionForm, showErrors } from "./form.js";
import { t } from "../i18n.js";

/** The reasons to pick from (Stripe's built-in ones, then the configuration's own feedback
 * options, chosen by id and labelled by their text), and a comment box that goes with any of
 * them (Stripe keeps it as `cancellation_details.comment`). */
function reasonSurvey(reason) {
  const builtIn = reason.options.map((option) => ({
    value: `reason:${option}`,
    label: reasonLabel(option),
  }));
  const own = (reason.feedbackOptions ?? []).map((option) => ({
    value: `option:${option.id}`,
    label: option.description,
  }));
  const reasons = choices({ legend: t("cancel.why"), name: "reason", options: [...builtIn, ...own] });
  const comment = field({
    label: t("cancel.comment"),
    name: "comment",
    control: h("textarea", { name: "comment", rows: "3", maxlength: "5000" }),
  });
  return [reasons, comment];
}

/** The survey's answer as cancelSubscription takes it: `reason` or `feedbackOption`. */
function readReason(data, input) {
  const [kind, value] = String(data.get("reason") ?? "").split(/:(.*)/s);
  if (kind === "reason" && value) input.reason = value;
  else if (kind === "option" && value) input.feedbackOption = value;
}

/** A cancel flow's retention offer (`flow.retentionCoupon`), if this is its subscription. */
function retentionOffer(portal, subscription) {
  const flow = portal.flow;
  return flow?.type === "SUBSCRIPTION_CANCEL" &&
    flow.retentionCoupon &&
    flow.subscriptionId === subscription.id &&
    !portal.flowDone
    ? flow.retentionCoupon
    : null;
}

/** The offer in words: the coupon's terms ("20% off for 3 months"), when Stripe still has it. */
function offerText(portal) {
  const offer = portal.flow?.retentionOffer;
  return offer ? t("retention.offer", { terms: couponTerms(offer) }) : t("retention.offerUnnamed");
}

/**
 * The offer Stripe's portal makes once the customer asked to cancel: take the coupon and
 * stay (acceptRetentionOffer), or go on with the cancel exactly as it was asked for.
 */
function retentionStep(portal, subscription, { done, cancel }) {
  const form = actionForm({
    children: [h("h3", {}, t("retention.title")), h("p", {}, offerText(portal))],
    submitLabel: t("retention.accept"),
    secondary: {
      label: t("retention.decline"),
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        try {
          const errors = await cancel();
          if (errors.length) showErrors(form, errors);
        } catch (error) {
          showErrors(form, [{ message: error.message, code: error.code, field: null }]);
        } finally {
          if (button.isConnected) button.disabled = false;
        }
      },
    },
    submit: async () => {
      const payload = await portal.api.mutate("acceptRetentionOffer", ACCEPT_RETENTION_OFFER, {
        subscriptionId: subscription.id,
      });
      if (payload.userErrors.length) return payload.userErrors;
      await done(t("retention.done"));
      return [];
    },
  });
  form.classList.add("retention-offer");
  return form;
}

export function cancelForm(portal, subscription, { done, dismiss, setContent }) {
  const feature = portal.features.subscriptionCancel;
  const atPeriodEnd = feature.mode === "AT_PERIOD_END";
  const endsAt = subscription.currentPeriodEnd;
  const survey = feature.cancellationReason.enabled ? reasonSurvey(feature.cancellationReason) : [];
  let intro;
  if (atPeriodEnd) {
    intro = t("cancel.atPeriodEnd", { date: date(endsAt) });
  } else {
    intro = t("cancel.now");
    if (feature.prorationBehavior !== "NONE") intro += ` ${t("cancel.credited")}`;
  }
  const send = async (input) => {
    const payload = await portal.api.mutate("cancelSubscription", CANCEL_SUBSCRIPTION, input);
    if (payload.userErrors.length) return payload.userErrors;
    await done(
      atPeriodEnd ? t("cancel.doneAtPeriodEnd", { date: date(endsAt) }) : t("cancel.doneNow"),
    );
    return [];
  };
  return actionForm({
    children: [h("p", {}, intro), survey],
    submitLabel: t("action.CANCEL"),
    danger: true,
    secondary: { label: t("cancel.keep"), onclick: dismiss },
    fieldFor: (error) => (error.field === "feedbackOption" ? "reason" : error.field),
    submit: async (data) => {
      const input = { subscriptionId: subscription.id };
      readReason(data, input);
      const comment = String(data.get("comment") ?? "").trim();
      if (comment) input.comment = comment;
      if (retentionOffer(portal, subscription) && setContent) {
        setContent(retentionStep(portal, subscription, { done, cancel: () => send(input) }));
        return [];
      }
      return send(input);
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
