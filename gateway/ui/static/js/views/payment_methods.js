// Saved payment methods: which is the default, make another one the default, remove, add.

import { openDialog } from "../dialog.js";
import { h, uid } from "../dom.js";
import { paymentMethodName } from "../format.js";
import { addCardForm } from "../forms/add_card.js";
import { actionForm } from "../forms/form.js";
import { DETACH_PAYMENT_METHOD, SET_DEFAULT_PAYMENT_METHOD } from "../queries.js";
import { section } from "./section.js";
import { errorText, t } from "../i18n.js";

function expiry(card) {
  return card
    ? t("card.expires", { date: `${String(card.expMonth).padStart(2, "0")}/${card.expYear}` })
    : null;
}

async function makeDefault(portal, method, errorLine) {
  errorLine.replaceChildren();
  const payload = await portal.api
    .mutate("setDefaultPaymentMethod", SET_DEFAULT_PAYMENT_METHOD, { paymentMethodId: method.id })
    .catch((error) => ({ userErrors: [{ message: error.message, code: error.code }] }));
  if (payload.userErrors.length) {
    errorLine.textContent = payload.userErrors.map(errorText).join(" ");
    return;
  }
  await portal.refresh({
    message: t("card.nowDefault", { card: paymentMethodName(method) }),
    focus: `payment-method:${method.id}`,
  });
}

function removeDialog(portal, method) {
  openDialog({
    title: t("card.removeTitle"),
    build: ({ close }) =>
      actionForm({
        children: [h("p", {}, t("card.removeQuestion", { card: paymentMethodName(method) }))],
        submitLabel: t("remove"),
        danger: true,
        secondary: { label: t("keepIt"), onclick: close },
        submit: async () => {
          const payload = await portal.api.mutate("detachPaymentMethod", DETACH_PAYMENT_METHOD, {
            paymentMethodId: method.id,
          });
          if (payload.userErrors.length) return payload.userErrors;
          close();
          await portal.refresh({
            message: t("card.removed", { card: paymentMethodName(method) }),
            focus: "payment-methods",
          });
          return [];
        },
      }),
  });
}

export function openAddCard(portal) {
  openDialog({
    title: t("card.addTitle"),
    build: ({ close }) =>
      addCardForm(portal, {
        dismiss: close,
        done: async (message) => {
          close();
          await portal.refresh({ message, focus: "payment-methods" });
        },
      }),
  });
}

function row(portal, method) {
  const name = paymentMethodName(method);
  const errorId = uid("pm-error");
  const errorLine = h("p", { class: "row-error", id: errorId, role: "alert" });
  const actions = [];
  if (!method.isDefault) {
    actions.push(
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "aria-describedby": errorId,
          dataset: { focusKey: `default:${method.id}` },
          onclick: (event) => {
            event.currentTarget.disabled = true;
            makeDefault(portal, method, errorLine).finally(() => {
              if (event.target.isConnected) event.target.disabled = false;
            });
          },
        },
        t("card.makeDefault"),
        h("span", { class: "visually-hidden" }, ` (${name})`),
      ),
      h(
        "button",
        {
          type: "button",
          class: "secondary danger-text",
          dataset: { focusKey: `remove:${method.id}` },
          onclick: () => removeDialog(portal, method),
        },
        t("remove"),
        h("span", { class: "visually-hidden" }, ` ${name}`),
      ),
    );
  }
  return h(
    "li",
    { class: "payment-method", dataset: { paymentMethod: method.id } },
    h(
      "div",
      { class: "pm-main" },
      h(
        "span",
        { class: "pm-name", tabindex: "-1", dataset: { focusKey: `payment-method:${method.id}` } },
        name,
      ),
      method.isDefault ? h("span", { class: "badge success" }, t("card.default")) : null,
      h("span", { class: "muted" }, expiry(method.card)),
    ),
    actions.length ? h("div", { class: "actions" }, actions) : null,
    errorLine,
  );
}

export function renderPaymentMethods(portal) {
  const methods = portal.data.paymentMethods ?? [];
  const add = h(
    "button",
    {
      type: "button",
      class: "secondary",
      dataset: { focusKey: "add-payment-method" },
      onclick: () => openAddCard(portal),
    },
    t("card.addButton"),
  );
  return section(
    {
      title: t("card.title"),
      focusKey: "payment-methods",
      action: add,
      className: "payment-methods",
    },
    methods.length
      ? h(
          "ul",
          { class: "list" },
          methods.map((method) => row(portal, method)),
        )
      : h("p", { class: "empty" }, t("card.empty")),
  );
}
