// Switch plan and change seats: pick, preview the proration, then confirm.

import { choices, field, h } from "../dom.js";
import { date, itemAmount, money, priceAmount, priceName } from "../format.js";
import { PREVIEW_UPDATE, UPDATE_SUBSCRIPTION } from "../queries.js";
import { actionForm } from "./form.js";
import { t } from "../i18n.js";

/** Ask the API what the change would cost; returns `{ preview }` or `{ errors }`. */
async function previewChange(portal, input) {
  const data = await portal.api.request(PREVIEW_UPDATE, { input });
  const payload = data.previewSubscriptionUpdate;
  return payload.userErrors.length ? { errors: payload.userErrors } : { preview: payload.preview };
}

function fact(term, value) {
  return h("div", { class: "fact" }, h("dt", {}, term), h("dd", {}, value));
}

function quantityLine(price, quantity) {
  return itemAmount({ price, quantity });
}

/** "Pro monthly: $60.00 / month (3 seats at $20.00 per seat)". */
function planWithPrice(plan, price) {
  return price ? t("plan.withPrice", { plan, price }) : plan;
}

function describeTarget(portal, subscription, input) {
  const item = subscription.items[0];
  const price =
    subscription.availablePrices.find((candidate) => candidate.id === input.priceId) ??
    (input.priceId && input.priceId !== item.price.id ? null : item.price);
  const quantity = input.quantity ?? item.quantity;
  const name = price ? priceName(price) : input.priceId;
  return { name, line: price ? quantityLine(price, quantity) : "", price, quantity };
}

/**
 * The confirm step: what changes, when, and what it costs as Stripe will bill it: "Due now"
 * when the change is invoiced at once, else "On your next invoice"; then the next invoice.
 * `updateSubscription` gets the preview's `quote`, so the charge is what was shown.
 */
export function reviewStep(
  portal,
  subscription,
  input,
  preview,
  { done, back, backLabel = t("back") },
) {
  const item = subscription.items[0];
  const target = describeTarget(portal, subscription, input);
  const currency = preview.currency;
  const next = preview.nextInvoice;
  const rows = preview.prorationLines.map((line) =>
    h(
      "tr",
      {},
      h("td", {}, line.description ?? t("review.adjustment")),
      h("td", { class: "amount" }, money(line.amount, line.currency)),
    ),
  );
  let when = preview.scheduled
    ? h(
        "p",
        {},
        t("review.scheduled", { date: date(preview.effectiveAt) }),
      )
    : h(
        "p",
        {},
        preview.endsTrial
          ? t("review.nowEndsTrial")
          : t("review.now"),
      );
  const nextLine = h(
    "p",
    { class: "next" },
    t("review.nextInvoice", { amount: money(next.amountDue, next.currency), date: date(next.date) }),
  );
  const charges = preview.scheduled
    ? [h("p", { class: "total" }, t("review.nothingNow")), nextLine]
    : [
        rows.length
          ? h(
              "table",
              { class: "lines" },
              h("caption", {}, preview.invoicedNow ? t("review.dueNow") : t("review.onNextInvoice")),
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  h("th", { scope: "col" }, t("review.item")),
                  h("th", { scope: "col", class: "amount" }, t("amount")),
                ),
              ),
              h("tbody", {}, rows),
            )
          : null,
        h(
          "p",
          { class: "total" },
          preview.invoicedNow
            ? t("review.dueNowTotal", { amount: money(preview.amountDueNow, currency) })
            : t("review.nothingNow"),
        ),
        nextLine,
      ];
  const current = planWithPrice(priceName(item.price), quantityLine(item.price, item.quantity));
  const codeOnly = Boolean(input.promotionCode) && !input.priceId && input.quantity === undefined;
  if (codeOnly) when = h("p", {}, t("review.codeFromNext"));
  const facts = codeOnly
    ? [fact(t("review.plan"), current), fact(t("review.code"), input.promotionCode.toUpperCase())]
    : [
        fact(t("review.current"), current),
        fact(t("review.new"), planWithPrice(target.name, target.line)),
      ];
  return actionForm({
    children: [h("dl", { class: "facts change" }, facts), when, charges],
    submitLabel: t("review.confirm"),
    secondary: back ? { label: backLabel, onclick: back } : null,
    submit: async () => {
      const payload = await portal.api.mutate("updateSubscription", UPDATE_SUBSCRIPTION, {
        ...input,
        quote: preview.quote,
      });
      if (payload.userErrors.length) return payload.userErrors;
      let message = t("review.doneNow", { plan: target.name });
      if (codeOnly) message = t("review.doneCode", { code: input.promotionCode.toUpperCase() });
      else if (preview.scheduled)
        message = t("review.doneScheduled", { plan: target.name, date: date(preview.effectiveAt) });
      await done(message);
      return [];
    },
  });
}

/** A step that previews `input` (built from the form data) and moves on to the review. */
function pickStep(portal, subscription, hooks, { children, buildInput, restore }) {
  const form = actionForm({
    children,
    submitLabel: t("review.review"),
    secondary: { label: t("cancel"), onclick: hooks.dismiss },
    submit: async (data) => {
      const built = buildInput(data);
      if (built.errors) return built.errors;
      const { preview, errors } = await previewChange(portal, built.input);
      if (errors) return errors;
      hooks.setContent(
        reviewStep(portal, subscription, built.input, preview, {
          done: hooks.done,
          back: () => {
            hooks.setContent(form);
            restore?.(form, built.input);
          },
        }),
      );
      return [];
    },
  });
  return form;
}

export function changePlanForm(portal, subscription, hooks) {
  const item = subscription.items[0];
  const options = subscription.availablePrices.map((price) => ({
    value: price.id,
    label: priceName(price),
    detail: priceAmount(price),
  }));
  return pickStep(portal, subscription, hooks, {
    children: [
      h(
        "p",
        {},
        t("plan.current", {
          plan: planWithPrice(priceName(item.price), quantityLine(item.price, item.quantity)),
        }),
      ),
      choices({ legend: t("plan.newPlan"), name: "priceId", options }),
    ],
    buildInput: (data) => {
      const priceId = data.get("priceId");
      if (!priceId) return { errors: [{ field: "priceId", message: t("plan.choose") }] };
      return { input: { subscriptionId: subscription.id, priceId } };
    },
    restore: (form, input) => {
      const chosen = form.querySelector(`input[value="${CSS.escape(input.priceId)}"]`);
      if (chosen) {
        chosen.checked = true;
        chosen.focus();
      }
    },
  });
}

export function seatsForm(portal, subscription, hooks) {
  const item = subscription.items[0];
  const limits = portal.planFor(item.price)?.adjustableQuantity;
  const hint = limits
    ? limits.maximum
      ? t("seats.between", { min: limits.minimum, max: limits.maximum })
      : t("seats.atLeast", { min: limits.minimum })
    : null;
  const input = h("input", {
    type: "number",
    name: "quantity",
    inputmode: "numeric",
    min: limits?.minimum,
    max: limits?.maximum,
    step: "1",
    value: String(item.quantity),
    required: true,
  });
  return pickStep(portal, subscription, hooks, {
    children: [
      h("p", {}, t("seats.current", { line: quantityLine(item.price, item.quantity) })),
      field({ label: t("seats.label"), control: input, hint, name: "quantity" }),
    ],
    buildInput: (data) => {
      const raw = String(data.get("quantity") ?? "").trim();
      const quantity = Number(raw);
      if (!raw || !Number.isInteger(quantity)) {
        return { errors: [{ field: "quantity", message: t("seats.whole") }] };
      }
      return { input: { subscriptionId: subscription.id, quantity } };
    },
    restore: (form) => form.querySelector("input[name=quantity]")?.focus(),
  });
}

export function promotionCodeForm(portal, subscription, hooks) {
  const input = h("input", {
    type: "text",
    name: "promotionCode",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    required: true,
  });
  return pickStep(portal, subscription, hooks, {
    children: [
      h("p", {}, t("code.intro")),
      field({ label: t("code.label"), control: input, name: "promotionCode" }),
    ],
    buildInput: (data) => {
      const code = String(data.get("promotionCode") ?? "").trim();
      if (!code)
        return { errors: [{ field: "promotionCode", message: t("code.enter") }] };
      return { input: { subscriptionId: subscription.id, promotionCode: code } };
    },
    restore: (form) => form.querySelector("input[name=promotionCode]")?.focus(),
  });
}
