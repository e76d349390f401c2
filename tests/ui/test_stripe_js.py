"""With a publishable key, the page adds cards with Stripe.js (and loads it only then).

Stripe.js cannot load here (no network), so a stand-in served at its URL records what the
page asks of it; everything else (the gateway, the emulator's setup intent) is real.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.pages import dialog, expect

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

    from tests.ui.conftest import Browsing

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]

KEY = "pk_test_portal_ui_0123456789"
STRIPE_JS = "https://js.stripe.com/v3"
STAND_IN = """
window.stripeCalls = [];
window.Stripe = (key) => {
  window.stripeCalls.push(["Stripe", key]);
  return {
    elements(options) {
      window.stripeCalls.push(["elements", options.clientSecret]);
      return {
        create(type) {
          window.stripeCalls.push(["create", type]);
          return { mount(element) { element.append(Object.assign(
            document.createElement("p"), { className: "stand-in", textContent: "card form" })); } };
        },
      };
    },
    async confirmSetup(options) {
      window.stripeCalls.push(["confirmSetup", options.redirect]);
      return { error: { message: "Your card number is incomplete." } };
    },
  };
};
"""


async def test_adding_a_card_uses_stripe_js_with_the_setup_intent(
    demo_factory: Any, browsing: Browsing
) -> None:
    demo = await demo_factory(stripe_publishable_key=KEY)
    async with demo.http.get(f"{demo.gateway_url}/portal") as response:
        assert "https://js.stripe.com" in response.headers["Content-Security-Policy"]
    async with demo.http.get(f"{demo.gateway_url}/portal/config.json") as response:
        assert (await response.json())["stripePublishableKey"] == KEY

    loads: list[str] = []

    async def serve_stand_in(route: Route) -> None:
        loads.append(route.request.url)
        await route.fulfill(body=STAND_IN, content_type="text/javascript")

    async def route_stripe_js(page: Page) -> None:
        await page.route(STRIPE_JS, serve_stand_in)

    page = await browsing.open(await demo.portal_link("active"), setup=route_stripe_js)
    await expect(page.locator("li.payment-method")).to_have_count(1)
    assert loads == []  # not before it is needed

    await page.get_by_role("button", name="Add payment method").click()
    adding = dialog(page)
    await expect(adding.locator(".stand-in")).to_have_text("card form")
    await adding.get_by_role("button", name="Save card").click()
    error = adding.locator(".has-error .field-error")
    await expect(error).to_have_text("Your card number is incomplete.")

    assert loads == [STRIPE_JS]
    calls = await page.evaluate("window.stripeCalls")
    assert calls[0] == ["Stripe", KEY]
    assert calls[2] == ["create", "payment"]
    assert calls[3] == ["confirmSetup", "if_required"]
    secret = calls[1][1]
    intents = await demo.stripe.v1.setup_intents.list_async({"customer": demo.customer("active")})
    assert [intent.client_secret for intent in intents.data] == [secret]


async def test_without_a_key_nothing_is_loaded_from_stripe(
    demo_factory: Any, browsing: Browsing
) -> None:
    demo = await demo_factory()
    requested: list[str] = []

    async def watch(page: Page) -> None:
        page.on("request", lambda request: requested.append(request.url))

    page = await browsing.open(await demo.portal_link("active"), setup=watch)
    await expect(page.locator("li.payment-method")).to_have_count(1)
    await page.get_by_role("button", name="Add payment method").click()
    await expect(dialog(page).get_by_label("Visa •••• 4242")).to_be_visible()
    assert requested  # the page, its modules, the API
    assert [url for url in requested if not url.startswith(demo.gateway_url)] == []
