// The frame around every view: the business's headline, Back link and legal links.

import { fill, h } from "../dom.js";
import { t } from "../i18n.js";

export function renderChrome(portal) {
  const profile = portal.session.configuration.businessProfile;
  const back = document.getElementById("back-link");
  back.lastChild.textContent = ` ${t("back")}`;
  const skip = document.querySelector(".skip-link");
  if (skip) skip.textContent = t("skipToContent");
  document.title = t("pageTitle");
  if (portal.returnUrl) {
    back.href = portal.returnUrl;
    back.hidden = false;
  } else {
    back.hidden = true;
  }
  const headline = document.getElementById("headline");
  headline.textContent = profile.headline ?? "";
  headline.hidden = !profile.headline;
  const links = [
    profile.termsOfServiceUrl
      ? h("a", { href: profile.termsOfServiceUrl }, t("terms"))
      : null,
    profile.privacyPolicyUrl ? h("a", { href: profile.privacyPolicyUrl }, t("privacy")) : null,
  ].filter(Boolean);
  const legal = document.getElementById("legal");
  fill(
    legal,
    links.length
      ? h(
          "ul",
          {},
          links.map((link) => h("li", {}, link)),
        )
      : null,
  );
  legal.hidden = links.length === 0;
  legal.setAttribute("aria-label", t("legal"));
}
