// A portal link (or a sign-in token handed over by the host page) opened in a tab that
// already holds a session. Someone may send a customer their own link (so a card the
// customer adds lands on their account): the tab never switches accounts silently. A link for the same customer just refreshes the session; a
// link for another customer asks first, naming both accounts, and staying is the default.

import { Api } from "./api.js";
import { openDialog } from "./dialog.js";
import { h } from "./dom.js";
import { t, tParts } from "./i18n.js";
import { END_SESSION, WHO_IS_SIGNED_IN } from "./queries.js";

/** Whose account a token opens: `{ id, label }`. */
async function whoIs(api) {
  const { session, customer } = await api.send(WHO_IS_SIGNED_IN, {});
  const name = customer?.name?.trim();
  const email = customer?.email?.trim();
  let label = session.customerId;
  if (name && email) label = `${name} (${email})`;
  else if (name || email) label = name || email;
  return { id: session.customerId, label, expiresAt: session.expiresAt };
}

/** Two labels a customer can tell apart: anyone can name their account like someone
 * else's, so when the names read alike the customer ids tell them apart. */
function distinct(current, next) {
  if (current.label !== next.label) return [current, next];
  const withId = (who) => ({ ...who, label: t("switch.withId", { label: who.label, id: who.id }) });
  return [withId(current), withId(next)];
}

/** Ask which account to use; resolves "stay" (also on Escape or Close) or "switch". */
function ask(currentAccount, nextAccount) {
  const [current, next] = distinct(currentAccount, nextAccount);
  return new Promise((resolve) => {
    let choice = "stay";
    const { dialog } = openDialog({
      title: t("switch.title"),
      build: ({ close }) => [
        h(
          "p",
          {},
          tParts("switch.current", {
            account: h("strong", { dataset: { account: "current" } }, current.label),
          }),
        ),
        h(
          "p",
          {},
          tParts("switch.link", {
            account: h("strong", { dataset: { account: "link" } }, next.label),
          }),
        ),
        h(
          "p",
          {},
          t("switch.warning"),
        ),
        h(
          "div",
          { class: "form-actions" },
          h(
            "button",
            {
              type: "button",
              class: "primary",
              autofocus: true,
              onclick: () => {
                choice = "stay";
                close();
              },
            },
            t("switch.stay"),
          ),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => {
                choice = "switch";
                close();
              },
            },
            t("switch.switch"),
          ),
        ),
      ],
    });
    dialog.addEventListener("close", () => resolve(choice));
  });
}

/**
 * Whether the tab keeps the session it holds rather than `incoming`'s: only when it holds a
 * live session for another customer and the customer chooses to stay in it.
 */
async function keepsHeld(api, held, incoming) {
  if (!held) return false;
  let current = null;
  try {
    current = await whoIs(api);
  } catch (error) {
    if (!error.sessionEnded) throw error;
  }
  if (current === null) return false;
  const next = await whoIs(incoming);
  return next.id !== current.id && (await ask(current, next)) === "stay";
}

/**
 * Open the portal link's `code` on `api`: redeem it, and use its session unless the tab
 * holds a live session for another customer and the customer chooses to stay in it (the
 * link's session is then ended, so its token is not left working).
 */
export async function openLink(api, code) {
  const held = api.restoreToken();
  const incoming = new Api(api.url);
  const granted = await incoming.exchange(code);
  incoming.token = granted.token;
  if (await keepsHeld(api, held, incoming)) {
    await incoming.send(END_SESSION, {}).catch(() => null);
    return;
  }
  api.useToken(granted.token, granted.expiresAt);
}

/**
 * Open a sign-in token the host page handed over (the team's own JWT): the same rule as a
 * link, since anyone signed in to the app can hand someone a page with their own token. A
 * refused token fails here, before the page shows anything.
 */
export async function openToken(api, token) {
  const held = api.restoreToken();
  const incoming = new Api(api.url);
  incoming.token = token;
  const next = await whoIs(incoming);
  if (await keepsHeld(api, held, incoming)) return;
  api.useToken(token, next.expiresAt);
}
