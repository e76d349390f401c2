// Edit the customer's email, name, phone, billing address and shipping details.

import { field, h } from "../dom.js";
import { countries } from "../countries.js";
import { UPDATE_CUSTOMER } from "../queries.js";
import { actionForm } from "./form.js";
import { currentLanguage, t } from "../i18n.js";

function text(name, value, attributes = {}) {
  return h("input", { type: "text", name, value: value ?? "", ...attributes });
}

/** The address inputs; `prefix` is the input path (`address`, `shipping.address`). */
function addressFields(prefix, address) {
  const current = address ?? {};
  const country = h(
    "select",
    { name: `${prefix}.country`, autocomplete: "country" },
    h("option", { value: "" }, t("address.chooseCountry")),
    countries(currentLanguage()).map(({ code, name }) =>
      h("option", { value: code, selected: code === current.country }, name),
    ),
  );
  return [
    field({
      label: t("address.line1"),
      name: `${prefix}.line1`,
      control: text(`${prefix}.line1`, current.line1, { autocomplete: "address-line1" }),
    }),
    field({
      label: t("address.line2"),
      name: `${prefix}.line2`,
      control: text(`${prefix}.line2`, current.line2, { autocomplete: "address-line2" }),
    }),
    h(
      "div",
      { class: "field-row" },
      field({
        label: t("address.city"),
        name: `${prefix}.city`,
        control: text(`${prefix}.city`, current.city, { autocomplete: "address-level2" }),
      }),
      field({
        label: t("address.postalCode"),
        name: `${prefix}.postalCode`,
        control: text(`${prefix}.postalCode`, current.postalCode, { autocomplete: "postal-code" }),
      }),
    ),
    field({
      label: t("address.state"),
      name: `${prefix}.state`,
      control: text(`${prefix}.state`, current.state, { autocomplete: "address-level1" }),
    }),
    field({ label: t("address.country"), name: `${prefix}.country`, control: country }),
  ];
}

function readAddress(data, prefix) {
  const value = (key) => {
    const entry = String(data.get(`${prefix}.${key}`) ?? "").trim();
    return entry === "" ? null : entry;
  };
  return {
    line1: value("line1"),
    line2: value("line2"),
    city: value("city"),
    state: value("state"),
    postalCode: value("postalCode"),
    country: value("country"),
  };
}

/** A form that sends `updateCustomer(input: read(formData))`. */
function detailsForm(portal, { children, read, message }, { done, dismiss }) {
  return actionForm({
    children,
    submitLabel: t("save"),
    secondary: { label: t("cancel"), onclick: dismiss },
    submit: async (data) => {
      const input = read(data);
      const payload = await portal.api.mutate("updateCustomer", UPDATE_CUSTOMER, input);
      if (payload.userErrors.length) return payload.userErrors;
      await done(message);
      return [];
    },
  });
}

function single(key, type, autocomplete) {
  const name = key.toLowerCase();
  return {
    key,
    get label() {
      return t(`customer.${key}`);
    },
    get title() {
      return t(`customer.${key}.title`);
    },
    build: (portal, hooks) =>
      detailsForm(
        portal,
        {
          children: [
            field({
              label: t(`customer.${key}`),
              name,
              control: h("input", {
                type,
                name,
                value: portal.data.customer[name] ?? "",
                autocomplete,
                required: key === "EMAIL",
              }),
            }),
          ],
          read: (data) => ({ [name]: String(data.get(name) ?? "").trim() }),
          message: t(`customer.${key}.saved`),
        },
        hooks,
      ),
  };
}

/** One entry per editable field, in display order; `key` is the API's CustomerField. */
export const DETAIL_FORMS = [
  single("EMAIL", "email", "email"),
  single("NAME", "text", "name"),
  single("PHONE", "tel", "tel"),
  {
    key: "ADDRESS",
    get label() {
      return t("customer.ADDRESS");
    },
    get title() {
      return t("customer.ADDRESS.title");
    },
    build: (portal, hooks) =>
      detailsForm(
        portal,
        {
          children: addressFields("address", portal.data.customer.address),
          read: (data) => ({ address: readAddress(data, "address") }),
          message: t("customer.ADDRESS.saved"),
        },
        hooks,
      ),
  },
  {
    key: "SHIPPING",
    get label() {
      return t("customer.SHIPPING");
    },
    get title() {
      return t("customer.SHIPPING.title");
    },
    build: (portal, hooks) => {
      const shipping = portal.data.customer.shipping ?? {};
      return detailsForm(
        portal,
        {
          children: [
            field({
              label: t("shipping.name"),
              name: "shipping.name",
              control: text("shipping.name", shipping.name, { autocomplete: "shipping name" }),
            }),
            field({
              label: t("shipping.phone"),
              name: "shipping.phone",
              control: h("input", {
                type: "tel",
                name: "shipping.phone",
                value: shipping.phone ?? "",
                autocomplete: "shipping tel",
              }),
            }),
            addressFields("shipping.address", shipping.address),
          ],
          read: (data) => ({
            shipping: {
              name: String(data.get("shipping.name") ?? "").trim(),
              phone: String(data.get("shipping.phone") ?? "").trim() || null,
              address: readAddress(data, "shipping.address"),
            },
          }),
          message: t("customer.SHIPPING.saved"),
        },
        hooks,
      );
    },
  },
];
