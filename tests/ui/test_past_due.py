"""A past-due customer pays from the portal: the banner, a declined card, a new card, paid;
checked in Stripe afterwards (invoice paid, subscription active)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import dialog, expect, status, subscription_card

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def test_a_past_due_customer_adds_a_card_and_pays_now(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("past_due"))
    banner = page.get_by_role("region", name="Payment due")
    await expect(banner).to_contain_text("The last payment for Pro failed.")
    subscription = await demo.subscription("past_due")
    assert subscription.status == "past_due"
    invoice_id = str(subscription.latest_invoice)

    # The default card (the one that was declined) is declined again, next to the choice.
    await banner.get_by_role("button", name="Pay now").click()
    paying = dialog(page)
    await expect(paying).to_contain_text("Pay $20.00 now for Pro.")
    await expect(paying.get_by_label("Visa •••• 0002 (default)")).to_be_checked()
    await paying.get_by_role("button", name="Pay now").click()
    choice = paying.locator("fieldset.has-error")
    await expect(choice.locator(".field-error")).to_contain_text("Your card was declined.")
    assert (await demo.stripe.v1.invoices.retrieve_async(invoice_id)).status == "open"

    # A new card, added from the same dialog, then chosen to pay with.
    await paying.get_by_role("button", name="Add a payment method").click()
    adding = dialog(page)
    await adding.get_by_label("Mastercard •••• 4444").check()
    await adding.get_by_role("button", name="Add card").click()
    await status(page, "Your card was added.")
    await banner.get_by_role("button", name="Pay now").click()
    paying = dialog(page)
    await paying.get_by_label("Mastercard •••• 4444").check()
    await paying.get_by_role("button", name="Pay now").click()
    await status(page, "Payment received. Your subscription is active again.")

    await expect(banner).to_have_count(0)
    await expect(subscription_card(page)).to_contain_text("Active")
    paid = await demo.stripe.v1.invoices.retrieve_async(invoice_id)
    assert (paid.status, paid.amount_remaining) == ("paid", 0)
    assert (await demo.subscription("past_due")).status == "active"
