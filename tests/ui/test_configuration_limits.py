"""The page offers only what the configuration allows (and shows the business profile)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.pages import expect, subscription_card

if TYPE_CHECKING:
    import stripe

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]

RESTRICTED: dict[str, Any] = {
    "business_profile": {
        "headline": "Acme Cloud: view your plan",
        "privacy_policy_url": "https://acme.example/privacy",
        "terms_of_service_url": "https://acme.example/terms",
    },
    "features": {
        "customer_update": {"enabled": True, "allowed_updates": ["email"]},
        "invoice_history": {"enabled": False},
        "payment_method_update": {"enabled": False},
        "subscription_cancel": {"enabled": False},
        "subscription_pause": {"enabled": False},
        "subscription_update": {"enabled": False},
    },
}


async def test_a_restricted_configuration_shows_only_what_it_allows(
    demo_factory: Any, browsing: Browsing
) -> None:
    created: list[str] = []

    async def add_configuration(client: stripe.StripeClient) -> None:
        configuration = await client.v1.billing_portal.configurations.create_async(RESTRICTED)  # type: ignore[arg-type]
        created.append(configuration.id)

    demo: Demo = await demo_factory(prepare=add_configuration)
    page = await browsing.open(await demo.portal_link("active", configuration=created[0]))

    await expect(page.get_by_text("Acme Cloud: view your plan")).to_be_visible()
    legal = page.get_by_role("navigation", name="Legal")
    await expect(legal.get_by_role("link", name="Terms of service")).to_have_attribute(
        "href", "https://acme.example/terms"
    )
    await expect(legal.get_by_role("link", name="Privacy policy")).to_have_attribute(
        "href", "https://acme.example/privacy"
    )

    # The subscription is shown, with no action at all.
    card = subscription_card(page)
    await expect(card).to_contain_text("$60.00 / month (3 seats at $20.00 per seat)")
    await expect(card.get_by_role("button")).to_have_count(0)
    # No payment methods, no invoices.
    await expect(page.get_by_role("heading", name="Payment methods")).to_have_count(0)
    await expect(page.get_by_role("heading", name="Invoice history")).to_have_count(0)
    # Only the email may change; the name is shown, not editable; no tax IDs.
    details = page.locator("section.account")
    await expect(details.get_by_role("button", name="Edit email")).to_be_visible()
    await expect(details).to_contain_text("Ada Active")
    await expect(details.get_by_role("button")).to_have_count(1)
    await expect(details.get_by_role("heading", name="Tax IDs")).to_have_count(0)


async def test_the_default_configuration_links_nothing_it_does_not_have(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    await expect(subscription_card(page)).to_have_count(1)
    # The demo's profile has a headline but no terms or privacy links.
    await expect(page.get_by_role("navigation", name="Legal")).to_be_hidden()


async def test_a_canceled_subscription_offers_no_action(demo: Demo, browsing: Browsing) -> None:
    subscription = await demo.subscription("trialing")
    await demo.stripe.v1.subscriptions.cancel_async(subscription.id)
    page = await browsing.open(await demo.portal_link("trialing"))
    await expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
    await expect(page.get_by_text("You have no subscriptions.")).to_be_visible()
