// Switch plan and change seats: pick, preview the proration, then confirm.

import { choices, field, h } from "../dom.js";
import { date, money, priceAmount, priceName } from "../format.js";
import { PREVIEW_UPDATE, UPDATE_SUBSCRIPTION } from "../queries.js";
import { actionForm } from "./form.js";

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
  return quantity === 1 ? priceAmount(price) : `${quantity} × ${priceAmount(price)}`;
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
  { done, back, backLabel = "Back" },
) {
  const item = subscription.items[0];
  const target = describeTarget(portal, subscription, input);
  const currency = preview.currency;
  const next = preview.nextInvoice;
  const rows = preview.prorationLines.map((line) =>
    h(
      "tr",
      {},
      h("td", {}, line.description ?? "Adjustment"),
      h("td", { class: "amount" }, money(line.amount, line.currency)),
    ),
  );
  let when = preview.scheduled
    ? h(
        "p",
        {},
        `The change takes effect on ${date(preview.effectiveAt)}, at the end of the current period. Nothing changes before then.`,
      )
    : h(
        "p",
        {},
        preview.endsTrial
          ? "The change takes effect now and ends your trial."
          : "The change takes effect now.",
      );
  const nextLine = h(
    "p",
    { class: "next" },
    `Next invoice: ${money(next.amountDue, next.currency)} on ${date(next.date)}`,
  );
  const charges = preview.scheduled
    ? [h("p", { class: "total" }, "Nothing is charged now."), nextLine]
    : [
        rows.length
          ? h(
              "table",
              { class: "lines" },
              h("caption", {}, preview.invoicedNow ? "Due now" : "On your next invoice"),
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  h("th", { scope: "col" }, "Item"),
                  h("th", { scope: "col", class: "amount" }, "Amount"),
                ),
              ),
              h("tbody", {}, rows),
            )
          : null,
        h(
          "p",
          { class: "total" },
          preview.invoicedNow
            ? `Due now: ${money(preview.amountDueNow, currency)}`
            : "Nothing is charged now.",
        ),
        nextLine,
      ];
  const current = `${priceName(item.price)} (${quantityLine(item.price, item.quantity)})`;
  const codeOnly = Boolean(input.promotionCode) && !input.priceId && input.quantity === undefined;
  if (codeOnly) when = h("p", {}, "The discount applies from your next invoice.");
  const facts = codeOnly
    ? [fact("Plan", current), fact("Code", input.promotionCode.toUpperCase())]
    : [fact("Now", current), fact("New", `${target.name} (${target.line})`)];
  return actionForm({
    children: [h("dl", { class: "facts change" }, facts), when, charges],
    submitLabel: "Confirm change",
    secondary: back ? { label: backLabel, onclick: back } : null,
    submit: async () => {
      const payload = await portal.api.mutate("updateSubscription", UPDATE_SUBSCRIPTION, {
        ...input,
        quote: preview.quote,
      });
      if (payload.userErrors.length) return payload.userErrors;
      let message = `Your plan is now ${target.name}.`;
      if (codeOnly)
        message = `The promotion code ${input.promotionCode.toUpperCase()} was applied.`;
      else if (preview.scheduled)
        message = `Your plan changes to ${target.name} on ${date(preview.effectiveAt)}.`;
      await done(message);
      return [];
    },
  });
}

/** A step that previews `input` (built from the form data) and moves on to the review. */
function pickStep(portal, subscription, hooks, { children, buildInput, restore }) {
  const form = actionForm({
    children,
    submitLabel: "Review change",
    secondary: { label: "Cancel", onclick: hooks.dismiss },
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
        `You are on ${priceName(item.price)} (${quantityLine(item.price, item.quantity)}).`,
      ),
      choices({ legend: "New plan", name: "priceId", options }),
    ],
    buildInput: (data) => {
      const priceId = data.get("priceId");
      if (!priceId) return { errors: [{ field: "priceId", message: "Choose a plan." }] };
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
      ? `Between ${limits.minimum} and ${limits.maximum}.`
      : `At least ${limits.minimum}.`
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
      h("p", {}, `You have ${item.quantity} × ${priceAmount(item.price)}.`),
      field({ label: "Seats", control: input, hint, name: "quantity" }),
    ],
    buildInput: (data) => {
      const raw = String(data.get("quantity") ?? "").trim();
      const quantity = Number(raw);
      if (!raw || !Number.isInteger(quantity)) {
        return { errors: [{ field: "quantity", message: "Enter a whole number of seats." }] };
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
      h("p", {}, "The discount applies to your next invoices."),
      field({ label: "Promotion code", control: input, name: "promotionCode" }),
    ],
    buildInput: (data) => {
      const code = String(data.get("promotionCode") ?? "").trim();
      if (!code)
        return { errors: [{ field: "promotionCode", message: "Enter a promotion code." }] };
      return { input: { subscriptionId: subscription.id, promotionCode: code } };
    },
    restore: (form) => form.querySelector("input[name=promotionCode]")?.focus(),
  });
}
