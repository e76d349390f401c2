// Add a card. With a publishable key: Stripe's Payment Element (see stripe_card.js).
// Without one (the demo, against the emulator): pick one of Stripe's test cards.

import { choices, h } from "../dom.js";
import {
  COMPLETE_SETUP_INTENT,
  CONFIRM_SETUP_INTENT_FOR_TESTING,
  CREATE_SETUP_INTENT,
} from "../queries.js";
import { actionForm } from "./form.js";
import { stripeCardForm } from "./stripe_card.js";
import { t } from "../i18n.js";

// Stripe's test payment methods (https://docs.stripe.com/testing).
export const TEST_CARDS = [
  { value: "pm_card_visa", label: "Visa •••• 4242", outcome: "succeeds" },
  { value: "pm_card_mastercard", label: "Mastercard •••• 4444", outcome: "succeeds" },
  { value: "pm_card_chargeDeclined", label: "Visa •••• 0002", outcome: "declined" },
];

/** Declines belong next to the card; other errors keep their own field. */
export function cardField(error) {
  return error.field ?? (error.code === "CARD_DECLINED" ? "paymentMethod" : null);
}

function testCardForm(portal, { done, dismiss }) {
  return actionForm({
    children: [
      h(
        "p",
        { class: "notice-inline" },
        t("card.testMode"),
      ),
      choices({
        legend: t("card.test"),
        name: "paymentMethod",
        options: TEST_CARDS.map((card, index) => ({
          value: card.value,
          label: card.label,
          detail: t(`card.${card.outcome}`),
          checked: index === 0,
        })),
      }),
    ],
    submitLabel: t("card.add"),
    secondary: { label: t("cancel"), onclick: dismiss },
    fieldFor: cardField,
    submit: async (data) => {
      const created = await portal.api.mutate("createSetupIntent", CREATE_SETUP_INTENT, {});
      if (created.userErrors.length) return created.userErrors;
      const payload = await portal.api.mutate(
        "confirmSetupIntentForTesting",
        CONFIRM_SETUP_INTENT_FOR_TESTING,
        { setupIntentId: created.setupIntent.id, paymentMethod: data.get("paymentMethod") },
      );
      if (payload.userErrors.length) return payload.userErrors;
      return completeCard(portal, created.setupIntent.id, done);
    },
  });
}

/**
 * After the setup intent was confirmed: `completeSetupIntent` saves the card, and in a
 * payment method flow makes it the default (as Stripe's flow does); then `done(message,
 * { paymentMethodId, becameDefault })`.
 */
export async function completeCard(portal, setupIntentId, done) {
  const payload = await portal.api.mutate("completeSetupIntent", COMPLETE_SETUP_INTENT, {
    setupIntentId,
  });
  if (payload.userErrors.length) return payload.userErrors;
  await done(t("card.added"), {
    paymentMethodId: payload.paymentMethod?.id ?? null,
    becameDefault: payload.becameDefault,
  });
  return [];
}

/** `done(message, { paymentMethodId, becameDefault })` runs once the card is saved. */
export function addCardForm(portal, hooks) {
  return portal.config.stripePublishableKey
    ? stripeCardForm(portal, hooks)
    : testCardForm(portal, hooks);
}
