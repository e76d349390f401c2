// Start-up: read the code from the link (or the sign-in token the host page handed over in
// the fragment), trade it for a token, show the portal.

import { openLink, openToken } from "./account_switch.js";
import { Api, ApiError } from "./api.js";
import { Portal } from "./portal.js";
import { setLocale } from "./format.js";
import { t, useLanguage } from "./i18n.js";

const CONFIG_URL = new URL("../../config.json", import.meta.url);

async function loadConfig() {
  const response = await fetch(CONFIG_URL, { credentials: "omit" });
  if (!response.ok) throw new ApiError(t("error.CONFIG"), "CONFIG");
  return response.json();
}

/** Take `code` out of the address bar (it is single use, and should not be bookmarked). */
function takeCode() {
  const url = new URL(window.location.href);
  const code = url.searchParams.get("code");
  if (code !== null) {
    url.searchParams.delete("code");
    window.history.replaceState(null, "", url);
  }
  return code;
}

/**
 * Take a sign-in token handed over as `#access_token=...` out of the address bar. The
 * fragment never reaches a server (nor a Referer); the token then lives in this tab only.
 */
function takeHandedToken() {
  const url = new URL(window.location.href);
  const handed = new URLSearchParams(url.hash.slice(1)).get("access_token");
  if (handed !== null) {
    url.hash = "";
    window.history.replaceState(null, "", url.href.replace(/#$/, ""));
  }
  return handed;
}

async function start() {
  const root = document.getElementById("app");
  const code = takeCode();
  const handed = takeHandedToken();
  let portal = null;
  try {
    const config = await loadConfig();
    // Until the session says which language to speak, speak the browser's.
    setLocale(await useLanguage("auto", config.languages));
    const api = new Api(new URL(config.graphqlUrl, CONFIG_URL));
    portal = new Portal(api, config, root);
    if (code) {
      // Never replaces a session this tab holds for another customer without asking.
      await openLink(api, code);
    } else if (handed) {
      await openToken(api, handed);
    } else if (!api.restoreToken()) {
      throw new ApiError(t("error.noLink"), "UNAUTHENTICATED");
    }
    await portal.load();
    portal.render();
    root.querySelector("h1")?.focus();
  } catch (error) {
    if (portal === null) portal = new Portal(null, null, root);
    portal.fail(
      error instanceof ApiError ? error : new ApiError(String(error.message ?? error), "ERROR"),
    );
  }
}

// A token handed to a portal page that is already open arrives as a new fragment only:
// start again so it is taken like on a first visit.
window.addEventListener("hashchange", () => {
  if (new URLSearchParams(window.location.hash.slice(1)).has("access_token")) {
    window.location.reload();
  }
});

start();
