// Add and remove the customer's tax IDs.

import { field, h } from "../dom.js";
import { ADD_TAX_ID, REMOVE_TAX_ID } from "../queries.js";
import { actionForm } from "./form.js";

/** Common Stripe tax ID types, with an example of each format. */
export const TAX_ID_TYPES = [
  { type: "eu_vat", label: "EU VAT number", example: "DE123456789" },
  { type: "gb_vat", label: "UK VAT number", example: "GB123456789" },
  { type: "us_ein", label: "US EIN", example: "12-3456789" },
  { type: "ca_bn", label: "Canadian BN", example: "123456789" },
  { type: "au_abn", label: "Australian ABN", example: "12345678912" },
  { type: "nz_gst", label: "New Zealand GST number", example: "123456789" },
  { type: "ch_vat", label: "Swiss VAT number", example: "CHE-123.456.789 MWST" },
  { type: "no_vat", label: "Norwegian VAT number", example: "123456789MVA" },
  { type: "in_gst", label: "Indian GST number", example: "12ABCDE3456FGZH" },
  { type: "jp_trn", label: "Japanese registration number", example: "T1234567891234" },
  { type: "sg_uen", label: "Singaporean UEN", example: "123456789F" },
  { type: "za_vat", label: "South African VAT number", example: "4123456789" },
  { type: "br_cnpj", label: "Brazilian CNPJ", example: "01.234.456/5432-10" },
  { type: "mx_rfc", label: "Mexican RFC", example: "ABC010203AB9" },
];

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
    hint.textContent = `For example ${TAX_ID_TYPES.find((option) => option.type === type.value).example}`;
  };
  type.addEventListener("change", showExample);
  showExample();
  return actionForm({
    children: [
      field({ label: "Type", name: "type", control: type }),
      field({ label: "Number", name: "value", control: value, hint }),
    ],
    submitLabel: "Add tax ID",
    secondary: { label: "Cancel", onclick: dismiss },
    submit: async (data) => {
      const input = { type: data.get("type"), value: String(data.get("value") ?? "").trim() };
      const payload = await portal.api.mutate("addTaxId", ADD_TAX_ID, input);
      if (payload.userErrors.length) return payload.userErrors;
      await done(`Tax ID ${input.value.toUpperCase()} was added.`);
      return [];
    },
  });
}

export function removeTaxIdForm(portal, taxId, { done, dismiss }) {
  return actionForm({
    children: [
      h("p", {}, `Remove tax ID ${taxId.value}? It will no longer appear on your invoices.`),
    ],
    submitLabel: "Remove",
    danger: true,
    secondary: { label: "Keep it", onclick: dismiss },
    submit: async () => {
      const payload = await portal.api.mutate("removeTaxId", REMOVE_TAX_ID, { taxIdId: taxId.id });
      if (payload.userErrors.length) return payload.userErrors;
      await done(`Tax ID ${taxId.value} was removed.`);
      return [];
    },
  });
}
