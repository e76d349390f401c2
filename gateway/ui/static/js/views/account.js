// The customer's billing details and tax IDs, with edit buttons for what may be changed.

import { openDialog } from "../dialog.js";
import { h } from "../dom.js";
import { countryName } from "../countries.js";
import { addTaxIdForm, removeTaxIdForm, TAX_ID_TYPES } from "../forms/tax_ids.js";
import { DETAIL_FORMS } from "../forms/customer.js";
import { section } from "./section.js";
import { currentLanguage, t } from "../i18n.js";

export function formatAddress(address) {
  if (!address) return null;
  const lines = [
    address.line1,
    address.line2,
    [address.postalCode, address.city].filter(Boolean).join(" "),
    address.state,
    countryName(address.country, currentLanguage()),
  ].filter(Boolean);
  return lines.length
    ? h(
        "span",
        { class: "address" },
        lines.map((line) => h("span", {}, line)),
      )
    : null;
}

function valueOf(customer, key) {
  switch (key) {
    case "EMAIL":
      return customer.email;
    case "NAME":
      return customer.name;
    case "PHONE":
      return customer.phone;
    case "ADDRESS":
      return formatAddress(customer.address);
    case "SHIPPING": {
      const shipping = customer.shipping;
      if (!shipping) return null;
      return h(
        "span",
        { class: "address" },
        h("span", {}, shipping.name),
        formatAddress(shipping.address),
      );
    }
    default:
      return null;
  }
}

/** Open the edit dialog for one field (`EMAIL`, `ADDRESS`, ...). */
export function openDetailForm(portal, spec) {
  openDialog({
    title: spec.title,
    build: ({ close }) =>
      spec.build(portal, {
        dismiss: close,
        done: async (message) => {
          close();
          await portal.refresh({ message, focus: `edit:${spec.key}` });
        },
      }),
  });
}

function detailRow(portal, spec, editable) {
  const value = valueOf(portal.data.customer, spec.key);
  if (!value && !editable) return null;
  const button = editable
    ? h(
        "button",
        {
          type: "button",
          class: "link-button",
          dataset: { focusKey: `edit:${spec.key}` },
          onclick: () => openDetailForm(portal, spec),
        },
        value ? t("edit") : t("add"),
        h("span", { class: "visually-hidden" }, ` ${spec.label}`),
      )
    : null;
  return h(
    "div",
    { class: "fact" },
    h("dt", {}, spec.label),
    h("dd", {}, value ?? h("span", { class: "muted" }, t("notSet"))),
    button ? h("dd", { class: "fact-action" }, button) : null,
  );
}

function taxIdRow(portal, taxId, editable) {
  const type = TAX_ID_TYPES.find((candidate) => candidate.type === taxId.type);
  return h(
    "li",
    { class: "tax-id", dataset: { taxId: taxId.id } },
    h("span", { class: "tax-id-value" }, taxId.value),
    h("span", { class: "muted" }, type?.label ?? taxId.type),
    editable
      ? h(
          "button",
          {
            type: "button",
            class: "link-button danger-text",
            onclick: () =>
              openDialog({
                title: t("taxId.removeTitle"),
                build: ({ close }) =>
                  removeTaxIdForm(portal, taxId, {
                    dismiss: close,
                    done: async (message) => {
                      close();
                      await portal.refresh({ message, focus: "tax-ids" });
                    },
                  }),
              }),
          },
          t("remove"),
          h("span", { class: "visually-hidden" }, ` ${t("taxId.named", { value: taxId.value })}`),
        )
      : null,
  );
}

function taxIds(portal, editable) {
  const list = portal.data.customer.taxIds ?? [];
  if (!list.length && !editable) return null;
  const add = editable
    ? h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () =>
            openDialog({
              title: t("taxId.addTitle"),
              build: ({ close }) =>
                addTaxIdForm(portal, {
                  dismiss: close,
                  done: async (message) => {
                    close();
                    await portal.refresh({ message, focus: "tax-ids" });
                  },
                }),
            }),
        },
        t("taxId.add"),
      )
    : null;
  return h(
    "div",
    { class: "subsection" },
    h(
      "div",
      { class: "section-head" },
      h("h3", { tabindex: "-1", dataset: { focusKey: "tax-ids" } }, t("taxId.title")),
      add,
    ),
    list.length
      ? h(
          "ul",
          { class: "list" },
          list.map((taxId) => taxIdRow(portal, taxId, editable)),
        )
      : h("p", { class: "empty" }, t("taxId.empty")),
  );
}

export function renderAccount(portal) {
  const editable = portal.editableFields;
  return section(
    { title: t("customer.title"), focusKey: "billing-details", className: "account" },
    h(
      "dl",
      { class: "facts details" },
      DETAIL_FORMS.map((spec) => detailRow(portal, spec, editable.has(spec.key))),
    ),
    taxIds(portal, editable.has("TAX_ID")),
  );
}
