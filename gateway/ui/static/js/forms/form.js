// Forms that send one mutation: busy state, and userErrors shown next to their fields.

import { announce, h, uid } from "../dom.js";
import { errorText } from "../i18n.js";

/** The control a userError's `field` points at (`address.postalCode`, then `address`). */
function findField(form, name) {
  if (!name) return null;
  const parts = name.split(".");
  for (let end = parts.length; end > 0; end -= 1) {
    const key = parts.slice(0, end).join(".");
    const found = form.querySelector(`[data-field="${CSS.escape(key)}"]`);
    if (found) return found;
  }
  return null;
}

function describedBy(control, id, add) {
  const ids = new Set((control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean));
  if (add) ids.add(id);
  else ids.delete(id);
  if (ids.size) control.setAttribute("aria-describedby", [...ids].join(" "));
  else control.removeAttribute("aria-describedby");
}

export function clearErrors(form) {
  for (const message of form.querySelectorAll(".field-error")) {
    const control = form.querySelector(`[aria-describedby~="${message.id}"]`);
    if (control) {
      describedBy(control, message.id, false);
      control.removeAttribute("aria-invalid");
    }
    message.closest(".has-error")?.classList.remove("has-error");
    message.remove();
  }
  const alert = form.querySelector(".form-alert");
  if (alert) alert.replaceChildren();
}

/**
 * Show each error next to its field (or at the top of the form when it names none this
 * form has), mark the fields invalid, and move focus to the first one.
 */
export function showErrors(form, errors) {
  clearErrors(form);
  let first = null;
  for (const error of errors) {
    const target = findField(form, error.field);
    if (target) {
      const id = uid("error");
      const holder = target.closest(".field") ?? target;
      holder.classList.add("has-error");
      holder.append(h("p", { class: "field-error", id }, errorText(error)));
      target.setAttribute("aria-invalid", "true");
      describedBy(target, id, true);
      first ??= target.matches("fieldset") ? target.querySelector("input, select") : target;
    } else {
      const alert = form.querySelector(".form-alert");
      alert.append(h("p", {}, errorText(error)));
      first ??= alert;
    }
  }
  // The page's status line may still hold the previous success: it no longer holds.
  if (errors.length) announce(null);
  first?.focus();
}

function setBusy(form, busy) {
  form.setAttribute("aria-busy", String(busy));
  for (const button of form.querySelectorAll("button")) button.disabled = busy;
}

/**
 * A form whose `submit(formData)` sends the request and returns the userErrors (an empty
 * list when it worked; the caller has then moved on, e.g. closed the dialog).
 * `fieldFor(error)` may point an error that names no input at one (a declined card at
 * the card choice).
 */
export function actionForm({
  children,
  submitLabel,
  submit,
  danger = false,
  secondary = null,
  fieldFor = null,
}) {
  const alert = h("div", { class: "form-alert", role: "alert", tabindex: "-1" });
  const form = h(
    "form",
    { class: "action-form", novalidate: true },
    alert,
    children,
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", class: danger ? "danger" : "primary" }, submitLabel),
      secondary
        ? h(
            "button",
            { type: "button", class: "secondary", onclick: secondary.onclick },
            secondary.label,
          )
        : null,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    clearErrors(form);
    setBusy(form, true);
    try {
      const errors = await submit(new FormData(form));
      if (errors?.length) {
        showErrors(
          form,
          fieldFor ? errors.map((error) => ({ ...error, field: fieldFor(error) })) : errors,
        );
      }
    } catch (error) {
      showErrors(form, [{ message: error.message, code: error.code, field: null }]);
    } finally {
      setBusy(form, false);
    }
  });
  return form;
}
