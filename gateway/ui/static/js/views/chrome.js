// The frame around every view: the business's headline, Back link and legal links.

import { fill, h } from "../dom.js";
import { t } from "../i18n.js";

export function renderChrome(portal) {
  const profile = portal.session.configuration.businessProfile;
  // Its words (Back, Skip to content, the title) are index.html's, said by i18n.js.
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
}
