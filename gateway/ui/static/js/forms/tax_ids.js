// Add and remove the customer's tax IDs.

import { field, h } from "../dom.js";
import { ADD_TAX_ID, REMOVE_TAX_ID } from "../queries.js";
import { actionForm } from "./form.js";
import { t } from "../i18n.js";

/** Common Stripe tax ID types, with an example of each format. */
export const TAX_ID_TYPES = [
  { type: "eu_vat", example: "DE123456789" },
  { type: "gb_vat", example: "GB123456789" },
  { type: "us_ein", example: "12-3456789" },
  { type: "ca_bn", example: "123456789" },
  { type: "au_abn", example: "12345678912" },
  { type: "nz_gst", example: "123456789" },
  { type: "ch_vat", example: "CHE-123.456.789 MWST" },
  { type: "no_vat", example: "123456789MVA" },
  { type: "in_gst", example: "12ABCDE3456FGZH" },
  { type: "jp_trn", example: "T1234567891234" },
  { type: "sg_uen", example: "123456789F" },
  { type: "za_vat", example: "4123456789" },
  { type: "br_cnpj", example: "01.234.456/5432-10" },
  { type: "mx_rfc", example: "ABC010203AB9" },
].map((entry) => ({
  ...entry,
  get label() {
    return t(`taxId.${entry.type}`);
  },
}));

export function addTaxIdForm(portal, { done, dismiss }) {
  const type = h(
    "select",
    { name: "type" },
    TAX_ID_TYPES.map((option) => h("option", { value: option.type }, option.label)),
  );
  const value = h("input", {
    type: "text",
    name: "value",
    autocomplete: "off",
    spellcheck: "false",
  });
  const hint = h("span", {});
  const showExample = () => {
    const example = TAX_ID_TYPES.find((option) => option.type === type.value).example;
    hint.textContent = t("taxId.example", { example });
  };
  type.addEventListener("change", showExample);
  showExample();
  return actionForm({
    children: [
      field({ label: t("taxId.type"), name: "type", control: type }),
      field({ label: t("taxId.number"), name: "value", control: value, hint }),
    ],
    submitLabel: t("taxId.add"),
    secondary: { label: t("cancel"), onclick: dismiss },
    submit: async (data) => {
      const input = { type: data.get("type"), value: String(data.get("value") ?? "").trim() };
      const payload = await portal.api.mutate("addTaxId", ADD_TAX_ID, input);
      if (payload.userErrors.length) return payload.userErrors;
      await done(t("taxId.added", { value: input.value.toUpperCase() }));
      return [];
    },
  });
}

export function removeTaxIdForm(portal, taxId, { done, dismiss }) {
  return actionForm({
    children: [
      h("p", {}, t("taxId.removeQuestion", { value: taxId.value })),
    ],
    submitLabel: t("remove"),
    danger: true,
    secondary: { label: t("keepIt"), onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("removeTaxId", REMOVE_TAX_ID, { taxIdId: taxId.id });
      if (payload.userErrors.length) return payload.userErrors;
      await done(t("taxId.removed", { value: taxId.value }));
      return [];
    },
  });
}
