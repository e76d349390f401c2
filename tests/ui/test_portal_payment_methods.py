"""Adding test cards (demo mode), choosing the default and removing a card, checked in Stripe."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import dialog, expect, status

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


def cards(page: Page) -> Locator:
    return page.locator("li.payment-method")


async def _add_card(page: Page, label: str) -> Locator:
    await page.get_by_role("button", name="Add payment method").click()
    adding = dialog(page)
    await adding.get_by_label(label).check()
    await adding.get_by_role("button", name="Add card").click()
    return adding


async def test_add_a_card_make_it_default_and_remove_the_old_one(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    old = (await demo.stripe_customer("active")).invoice_settings
    assert old is not None
    old_default = old.default_payment_method
    await expect(cards(page)).to_have_count(1)

    await _add_card(page, "Mastercard •••• 4444")
    await status(page, "Your card was added.")
    await expect(cards(page)).to_have_count(2)
    mastercard = cards(page).filter(has_text="Mastercard •••• 4444")
    visa = cards(page).filter(has_text="Visa •••• 4242")
    await expect(mastercard).not_to_contain_text("Default")
    await expect(visa).to_contain_text("Default")

    await mastercard.get_by_role("button", name="Make default").click()
    await status(page, "Mastercard •••• 4444 is now your default payment method.")
    await expect(mastercard).to_contain_text("Default")
    await expect(visa).not_to_contain_text("Default")
    customer = await demo.stripe_customer("active")
    assert customer.invoice_settings is not None
    new_default = customer.invoice_settings.default_payment_method
    assert new_default != old_default
    method = await demo.stripe.v1.payment_methods.retrieve_async(str(new_default))
    assert method.card is not None
    assert method.card.last4 == "4444"

    await visa.get_by_role("button", name="Remove").click()
    await dialog(page).get_by_role("button", name="Remove").click()
    await status(page, "Visa •••• 4242 was removed.")
    await expect(cards(page)).to_have_count(1)
    saved = await demo.stripe.v1.customers.payment_methods.list_async(demo.customer("active"))
    assert [m.card.last4 for m in saved.data if m.card] == ["4444"]


async def test_a_declined_card_says_so_next_to_the_card_choice(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    adding = await _add_card(page, "Visa •••• 0002")

    choice = adding.locator("fieldset.has-error")
    await expect(choice.locator("legend")).to_have_text("Test card")
    await expect(choice.locator(".field-error")).to_contain_text("declined")
    await expect(choice).to_have_attribute("aria-invalid", "true")
    saved = await demo.stripe.v1.customers.payment_methods.list_async(demo.customer("active"))
    assert len(saved.data) == 1

    # Another card from the same dialog works.
    await adding.get_by_label("Visa •••• 4242").check()
    await adding.get_by_role("button", name="Add card").click()
    await status(page, "Your card was added.")
    await expect(cards(page)).to_have_count(2)
