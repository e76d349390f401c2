// Tiny DOM helpers. Everything from the API goes in as text, never as markup.

let lastId = 0;

/** A unique element id (for label/aria wiring). */
export function uid(prefix = "el") {
  lastId += 1;
  return `${prefix}-${lastId}`;
}

function appendAll(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Build an element: h("button", { class: "primary", onclick: save }, "Save").
 * `text` sets textContent, `dataset` sets data-*, `on<event>` adds a listener,
 * `true` sets a boolean attribute, `null`/`undefined`/`false` leave it out.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
  appendAll(element, children);
  return element;
}

/** Replace an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  appendAll(element, children);
  return element;
}

/** A labelled form field: the label, the control, an optional hint, room for an error. */
export function field({ label, control, hint = null, name = null }) {
  const id = control.id || uid("field");
  control.id = id;
  if (name) control.dataset.field = name;
  const parts = [h("label", { for: id }, label), control];
  if (hint) {
    const hintId = `${id}-hint`;
    parts.push(h("p", { class: "hint", id: hintId }, hint));
    control.setAttribute("aria-describedby", hintId);
  }
  return h("div", { class: "field" }, parts);
}

/** A group of radio buttons (or checkboxes) under a legend. */
export function choices({ legend, name, options, field: fieldName = name, hint = null }) {
  const hintId = hint ? uid("hint") : null;
  const set = h(
    "fieldset",
    { class: "field choices", dataset: { field: fieldName }, "aria-describedby": hintId },
    h("legend", {}, legend),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    options.map((option) => {
      const id = uid(name);
      return h(
        "div",
        { class: "choice" },
        h("input", {
          type: option.type ?? "radio",
          id,
          name,
          value: option.value,
          checked: option.checked ?? false,
          required: option.required ?? false,
        }),
        h(
          "label",
          { for: id },
          h("span", { class: "choice-label" }, option.label),
          // The space keeps label and detail apart in the accessible name.
          option.detail ? [" ", h("span", { class: "choice-detail" }, option.detail)] : null,
        ),
      );
    }),
  );
  return set;
}

/** Say something to screen-reader users (and show it in the status line). */
export function announce(message, { tone = "info" } = {}) {
  const status = document.getElementById("status");
  if (!status) return;
  status.dataset.tone = tone;
  fill(status, message ? h("p", {}, message) : null);
}
