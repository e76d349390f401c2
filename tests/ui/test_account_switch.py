"""A portal link never silently replaces the session a tab holds: someone else's link asks
first, naming both accounts, and staying is the default."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import dialog, expect

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]

VICTIM, ATTACKER = "active", "trialing"
VICTIM_EMAIL, ATTACKER_EMAIL = "active@demo.example", "trialing@demo.example"
QUESTION = "Open a different billing account?"


async def signed_in_as(page: Page, email: str) -> None:
    await expect(page.locator("section.account")).to_contain_text(email)
    await expect(dialog(page)).to_have_count(0)


async def test_someone_elses_link_asks_before_switching_and_staying_keeps_the_session(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link(VICTIM))
    await signed_in_as(page, VICTIM_EMAIL)

    await page.goto(await demo.portal_link(ATTACKER))
    asking = dialog(page)
    await expect(asking.get_by_role("heading", name=QUESTION)).to_be_visible()
    await expect(asking.locator("[data-account=current]")).to_contain_text(VICTIM_EMAIL)
    await expect(asking.locator("[data-account=link]")).to_contain_text(ATTACKER_EMAIL)
    stay = asking.get_by_role("button", name="Stay in my account")
    await expect(stay).to_be_focused()
    # The link's session, not taken, is ended rather than left working in the page.
    async with page.expect_request(
        lambda request: "endPortalSession" in (request.post_data or "")
    ) as ended:
        await stay.click()
    response = await (await ended.value).response()
    assert response is not None
    assert response.ok
    await signed_in_as(page, VICTIM_EMAIL)
    assert "code=" not in page.url
    # The tab still holds the victim's session after a reload.
    await page.reload()
    await signed_in_as(page, VICTIM_EMAIL)


async def test_a_link_for_an_account_named_like_yours_still_tells_them_apart(
    demo: Demo, browsing: Browsing
) -> None:
    victim = await demo.stripe_customer(VICTIM)
    # Anyone can name their own account exactly like someone else's.
    lookalike = await demo.stripe.v1.customers.create_async(
        {"name": victim.name or "", "email": VICTIM_EMAIL}
    )
    demo.roles["lookalike"] = lookalike.id
    page = await browsing.open(await demo.portal_link(VICTIM))
    await signed_in_as(page, VICTIM_EMAIL)

    await page.goto(await demo.portal_link("lookalike"))
    asking = dialog(page)
    await expect(asking.get_by_role("heading", name=QUESTION)).to_be_visible()
    current = asking.locator("[data-account=current]")
    link = asking.locator("[data-account=link]")
    await expect(current).to_contain_text(victim.id)
    await expect(link).to_contain_text(lookalike.id)
    assert await current.inner_text() != await link.inner_text()
    await asking.get_by_role("button", name="Stay in my account").click()
    await signed_in_as(page, VICTIM_EMAIL)


async def test_escape_keeps_the_session_the_tab_holds(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link(VICTIM))
    await signed_in_as(page, VICTIM_EMAIL)
    await page.goto(await demo.portal_link(ATTACKER))
    await expect(dialog(page).get_by_role("heading", name=QUESTION)).to_be_visible()
    await page.keyboard.press("Escape")
    await signed_in_as(page, VICTIM_EMAIL)


async def test_switching_is_the_customers_explicit_choice(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link(VICTIM))
    await signed_in_as(page, VICTIM_EMAIL)
    await page.goto(await demo.portal_link(ATTACKER))
    await dialog(page).get_by_role("button", name="Switch accounts").click()
    await signed_in_as(page, ATTACKER_EMAIL)


async def test_a_new_link_for_the_same_account_opens_without_asking(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link(VICTIM))
    await signed_in_as(page, VICTIM_EMAIL)
    await page.goto(await demo.portal_link(VICTIM))
    await signed_in_as(page, VICTIM_EMAIL)


async def test_a_link_in_a_tab_without_a_session_opens_directly(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link(ATTACKER))
    await signed_in_as(page, ATTACKER_EMAIL)
