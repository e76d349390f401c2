// Adding a card with real Stripe: Stripe.js from js.stripe.com and the Payment Element.
// Loaded only when the gateway has a publishable key; card details never touch this page.

import { h } from "../dom.js";
import { CREATE_SETUP_INTENT } from "../queries.js";
import { completeCard } from "./add_card.js";
import { actionForm } from "./form.js";
import { errorText, t } from "../i18n.js";

const STRIPE_JS = "https://js.stripe.com/v3";
let loading = null;

function loadStripeJs() {
  loading ??= new Promise((resolve, reject) => {
    if (window.Stripe) {
      resolve(window.Stripe);
      return;
    }
    const script = h("script", { src: STRIPE_JS, async: true });
    script.addEventListener("load", () => resolve(window.Stripe));
    script.addEventListener("error", () => {
      loading = null;
      reject(new Error(t("card.stripeUnavailable")));
    });
    document.head.append(script);
  });
  return loading;
}

export function stripeCardForm(portal, { done, dismiss }) {
  const mount = h("div", { class: "stripe-element", dataset: { field: "paymentMethod" } });
  const status = h("p", { class: "muted" }, t("card.loading"));
  let stripe = null;
  let elements = null;
  const ready = (async () => {
    const [Stripe, payload] = await Promise.all([
      loadStripeJs(),
      portal.api.mutate("createSetupIntent", CREATE_SETUP_INTENT, {}),
    ]);
    if (payload.userErrors.length) throw new Error(errorText(payload.userErrors[0]));
    stripe = Stripe(portal.config.stripePublishableKey);
    elements = stripe.elements({ clientSecret: payload.setupIntent.clientSecret });
    elements.create("payment").mount(mount);
    status.remove();
  })();
  ready.catch((error) => {
    status.textContent = error.message;
  });
  return actionForm({
    children: [status, mount],
    submitLabel: t("card.save"),
    secondary: { label: t("cancel"), onclick: dismiss },
    submit: async () => {
      await ready;
      const { error, setupIntent } = await stripe.confirmSetup({
        elements,
        redirect: "if_required",
        confirmParams: { return_url: window.location.href },
      });
      if (error) return [{ field: "paymentMethod", message: error.message }];
      return completeCard(portal, setupIntent.id, done);
    },
  });
}
