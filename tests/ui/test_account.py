"""Billing details: email, address and tax IDs edited in the browser, checked in Stripe."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import dialog, expect, field_error, status

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def test_edit_email_and_address(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    details = page.locator("section.account")

    await details.get_by_role("button", name="Edit email").click()
    editing = dialog(page)
    email = editing.get_by_label("Email")
    await expect(email).to_have_value("active@demo.example")
    await email.fill("ada@acme.example")
    await editing.get_by_role("button", name="Save").click()
    await status(page, "Your email was saved.")
    await expect(details).to_contain_text("ada@acme.example")

    await details.get_by_role("button", name="Add billing address").click()
    editing = dialog(page)
    await editing.get_by_label("Address line 1").fill("Friedrichstr. 1")
    await editing.get_by_label("City").fill("Berlin")
    await editing.get_by_label("Postal code").fill("10117")
    await editing.get_by_label("Country").select_option("DE")
    await editing.get_by_role("button", name="Save").click()
    await status(page, "Your billing address was saved.")
    await expect(details).to_contain_text("Friedrichstr. 1")
    await expect(details).to_contain_text("10117 Berlin")
    await expect(details).to_contain_text("Germany")

    customer = await demo.stripe_customer("active")
    assert customer.email == "ada@acme.example"
    assert customer.address is not None
    assert customer.address.line1 == "Friedrichstr. 1"
    assert customer.address.city == "Berlin"
    assert customer.address.postal_code == "10117"
    assert customer.address.country == "DE"


async def test_an_invalid_email_is_refused_next_to_the_field(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    await page.locator("section.account").get_by_role("button", name="Edit email").click()
    editing = dialog(page)
    await editing.get_by_label("Email").fill("not-an-email")
    await editing.get_by_role("button", name="Save").click()
    error = await field_error(editing, "Email")
    await expect(error).not_to_be_empty()
    assert (await demo.stripe_customer("active")).email == "active@demo.example"


async def test_add_and_remove_a_tax_id(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    details = page.locator("section.account")

    await details.get_by_role("button", name="Add tax ID").click()
    adding = dialog(page)
    await adding.get_by_label("Type").select_option("eu_vat")
    await adding.get_by_label("Number").fill("12345")
    await adding.get_by_role("button", name="Add tax ID").click()
    error = await field_error(adding, "Number")
    await expect(error).to_contain_text("EU VAT number")

    await adding.get_by_label("Number").fill("DE811907980")
    await adding.get_by_role("button", name="Add tax ID").click()
    await status(page, "Tax ID DE811907980 was added.")
    row = details.locator("li.tax-id")
    await expect(row).to_contain_text("DE811907980")
    await expect(row).to_contain_text("EU VAT number")
    tax_ids = await demo.stripe.v1.customers.tax_ids.list_async(demo.customer("active"))
    assert [(t.type, t.value) for t in tax_ids.data] == [("eu_vat", "DE811907980")]

    await row.get_by_role("button", name="Remove tax ID DE811907980").click()
    await dialog(page).get_by_role("button", name="Remove").click()
    await status(page, "Tax ID DE811907980 was removed.")
    await expect(details.locator("li.tax-id")).to_have_count(0)
    tax_ids = await demo.stripe.v1.customers.tax_ids.list_async(demo.customer("active"))
    assert tax_ids.data == []
