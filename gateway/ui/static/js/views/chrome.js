// The frame around every view: the business's headline, Back link and legal links.

import { fill, h } from "../dom.js";

export function renderChrome(portal) {
  const profile = portal.session.configuration.businessProfile;
  const back = document.getElementById("back-link");
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
      ? h("a", { href: profile.termsOfServiceUrl }, "Terms of service")
      : null,
    profile.privacyPolicyUrl ? h("a", { href: profile.privacyPolicyUrl }, "Privacy policy") : null,
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
}
