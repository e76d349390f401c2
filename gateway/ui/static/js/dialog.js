// Modal dialogs on the native <dialog> element: it traps focus and closes on Escape.

import { fill, h, uid } from "./dom.js";
import { t } from "./i18n.js";

const FOCUSABLE =
  "input:not([type=hidden]):not([disabled]), select, textarea, button:not(.dialog-close)";

/** Move focus to the first thing to fill in (or press) inside `container`. */
export function focusFirst(container) {
  const target =
    container.querySelector("[autofocus]") ??
    container.querySelector("input:checked") ??
    container.querySelector(FOCUSABLE);
  target?.focus();
}

/**
 * Open a dialog titled `title`; `build({ close, setContent })` returns its body. When it
 * closes, focus goes back to what opened it (if that is still on the page).
 */
export function openDialog({ title, build }) {
  const opener = document.activeElement;
  const titleId = uid("dialog-title");
  const body = h("div", { class: "dialog-body" });
  const dialog = h(
    "dialog",
    { class: "dialog", "aria-labelledby": titleId },
    h(
      "div",
      { class: "dialog-header" },
      h("h2", { id: titleId }, title),
      h(
        "button",
        {
          type: "button",
          class: "dialog-close",
          "aria-label": t("close"),
          onclick: () => dialog.close(),
        },
        "×",
      ),
    ),
    body,
  );
  const close = () => dialog.close();
  const setContent = (...children) => {
    fill(body, ...children);
    focusFirst(body);
  };
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  fill(body, build({ close, setContent }));
  dialog.showModal();
  focusFirst(body);
  return { dialog, close };
}
