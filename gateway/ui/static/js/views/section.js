// A titled page section with an optional action button next to its heading.

import { h, uid } from "../dom.js";

export function section({ title, focusKey = null, action = null, className = "" }, ...children) {
  const id = uid("section");
  return h(
    "section",
    { class: `section ${className}`.trim(), "aria-labelledby": id },
    h(
      "div",
      { class: "section-head" },
      h("h2", { id, tabindex: "-1", dataset: focusKey ? { focusKey } : undefined }, title),
      action,
    ),
    children,
  );
}

/** A definition list row: term and value (skipped when there is no value). */
export function fact(term, value, extra = null) {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: "fact" }, h("dt", {}, term), h("dd", {}, value), extra);
}
