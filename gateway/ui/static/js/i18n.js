// The page's language: its words come from `i18n/<language>.js` (one file per language,
// offered by config.json's `languages`), its money and dates from Intl in the same locale.
// userErrors keep their stable codes and English messages from the API; the page says
// them in its own language by code, and keeps the API's words for a code it does not know.

import en from "./i18n/en.js";

let messages = en;
let language = "en";

/** The languages to try for `locale` (`fr-CA` -> `fr-CA`, `fr`), best first. */
function candidates(locale) {
  const tags = [];
  for (const wanted of locale && locale !== "auto" ? [locale] : (navigator.languages ?? [])) {
    let canonical;
    try {
      [canonical] = Intl.getCanonicalLocales(wanted);
    } catch {
      continue;
    }
    tags.push(canonical, canonical.split("-")[0]);
  }
  return tags;
}

/**
 * Speak the session's `locale` (`auto`: the browser's languages) if one of `available`
 * matches it, else English. Returns the locale money and dates are formatted in: the one
 * asked for when its language is spoken here (`fr-CA` formats as in Canada), else the
 * language the page speaks, so words and numbers always agree.
 */
export async function useLanguage(locale, available = ["en"]) {
  const offered = new Map(available.map((tag) => [tag.toLowerCase(), tag]));
  const wanted = candidates(locale);
  const found = wanted.find((tag) => offered.has(tag.toLowerCase()));
  const tag = found ? offered.get(found.toLowerCase()) : "en";
  messages = en;
  language = "en";
  if (tag !== "en") {
    try {
      const module = await import(`./i18n/${tag}.js`);
      messages = { ...en, ...module.default };
      language = tag;
    } catch {
      // Unreadable file: English it is.
    }
  }
  const asked = wanted.find((candidate) => candidate.split("-")[0] === language.split("-")[0]);
  const formatLocale = language.includes("-") || !asked ? language : asked;
  document.documentElement.lang = formatLocale;
  translateDocument();
  return formatLocale;
}

/**
 * The page's own words in index.html, marked `data-i18n="<key>"` (text) or
 * `data-i18n-aria-label="<key>"`. The gateway already serves them in the browser's
 * language; this says them in the session's.
 */
function translateDocument() {
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of document.querySelectorAll("[data-i18n-aria-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nAriaLabel));
  }
}

/** The page's language tag (`en`, `pt-BR`, ...). */
export function currentLanguage() {
  return language;
}

/** The text for `key`, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const template = messages[key] ?? en[key] ?? key;
  if (typeof template === "function") return template(values);
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

/** What to tell the customer for an error `{ code, message }`: by code, else the API's words. */
export function errorText(error) {
  const known = error?.code ? messages[`error.${error.code}`] : undefined;
  return known ?? error?.message ?? t("error.unknown");
}

/** `t(key)` with some placeholders filled by elements: `["Signed in as ", <strong>, "."]`. */
export function tParts(key, elements) {
  const text = t(key);
  return text
    .split(/(\{\w+\})/)
    .filter((part) => part !== "")
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name && name in elements ? elements[name] : part;
    });
}
