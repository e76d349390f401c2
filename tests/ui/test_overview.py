"""The home page shows the customer's billing, as the demo configuration allows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import expect
from tests.ui.test_live_updates import until_streaming

if TYPE_CHECKING:
    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]


async def test_overview_shows_subscription_payment_methods_invoices_and_details(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(
        await demo.portal_link("active", returnUrl="https://acme.example/app")
    )

    await expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
    # The code is gone from the address bar once redeemed.
    assert "code=" not in page.url
    # Business profile and the way back.
    await expect(page.get_by_text("Acme Cloud: manage your plan and billing")).to_be_visible()
    await expect(page.get_by_role("link", name="Back")).to_have_attribute(
        "href", "https://acme.example/app"
    )

    subscription = page.locator("article.subscription")
    await expect(subscription.get_by_role("heading", name="Pro")).to_be_visible()
    await expect(subscription).to_contain_text("$60.00 / month (3 seats at $20.00 per seat)")
    await expect(subscription).to_contain_text("Active")
    await expect(subscription).to_contain_text("Renews on")
    await expect(subscription).to_contain_text("Next invoice")
    await expect(subscription).to_contain_text("$60.00")
    for name in ("Change plan", "Change seats", "Pause subscription", "Cancel subscription"):
        await expect(subscription.get_by_role("button", name=name)).to_be_visible()
    # Not canceling, not paused: no undo, no resume.
    await expect(subscription.get_by_role("button", name="Don't cancel")).to_have_count(0)
    await expect(subscription.get_by_role("button", name="Resume subscription")).to_have_count(0)

    methods = page.locator("li.payment-method")
    await expect(methods).to_have_count(1)
    await expect(methods.first).to_contain_text("Visa •••• 4242")
    await expect(methods.first).to_contain_text("Default")

    details = page.locator("section.account")
    await expect(details).to_contain_text("active@demo.example")
    await expect(details).to_contain_text("Ada Active")

    invoices = page.locator("table.invoice-table tbody tr")
    await expect(invoices).to_have_count(10)
    await expect(invoices.first).to_contain_text("$60.00")
    await expect(invoices.first).to_contain_text("Paid")
    # A year of invoices: the rest come a page at a time.
    await page.get_by_role("button", name="Show more invoices").click()
    await expect(invoices).to_have_count(13)
    await expect(page.get_by_role("button", name="Show more invoices")).to_have_count(0)

    pdf = invoices.first.get_by_role("link", name="PDF")
    href = await pdf.get_attribute("href")
    assert href is not None
    async with demo.http.get(href) as response:
        assert response.status == 200
        assert response.content_type == "application/pdf"


async def test_reload_keeps_the_session(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    await expect(page.locator("article.subscription")).to_have_count(1)
    await page.reload()
    await expect(page.locator("article.subscription")).to_have_count(1)


async def test_used_link_says_so_and_how_to_get_back(demo: Demo, browsing: Browsing) -> None:
    """Without a return URL (the session's or the configuration's) the page says how to get
    a new link instead (with one, it links back: see test_languages)."""
    link = await demo.portal_link("active")
    first = await browsing.open(link)
    await expect(first.locator("article.subscription")).to_have_count(1)

    second = await browsing.open(link)
    await expect(second.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used"
    )
    await expect(second.get_by_text("open your billing page from there")).to_be_visible()


async def test_a_revoked_session_ends_the_page_at_the_next_request(
    demo: Demo, browsing: Browsing
) -> None:
    session = await demo.portal_session("active")
    page = await browsing.open(session["url"])
    await expect(page.locator("article.subscription")).to_have_count(1)
    # Its live stream is open (a stream refused at the start would sign the page out at once).
    await until_streaming(demo, "active")

    revoked = await demo.graphql(
        """mutation($input: RevokePortalSessionInput!) {
             revokePortalSession(input: $input) { sessionId userErrors { code } }
           }""",
        {"input": {"sessionId": session["id"]}},
    )
    assert revoked["revokePortalSession"]["userErrors"] == []

    await page.locator("article.subscription").get_by_role("button", name="Change seats").click()
    await page.get_by_role("dialog").get_by_role("button", name="Review change").click()
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This billing session has ended"
    )
    # A reload does not bring it back.
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This billing session has ended"
    )
