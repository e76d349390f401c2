"""Labels, keyboard use, focus handling, and a phone-sized screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import dialog, expect, open_action, status

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]

# Controls with no label, aria-label or aria-labelledby (radios are named by their fieldset).
UNLABELLED = """(root) => [...root.querySelectorAll("input, select, textarea")]
  .filter((control) => control.type !== "hidden" && !control.closest("[hidden]"))
  .filter((control) => !control.labels?.length && !control.getAttribute("aria-label")
    && !control.getAttribute("aria-labelledby"))
  .map((control) => control.name || control.outerHTML)"""
UNNAMED_GROUPS = """(root) => [...root.querySelectorAll("fieldset")]
  .filter((set) => !set.querySelector(":scope > legend")?.textContent.trim())
  .map((set) => set.outerHTML.slice(0, 80))"""
FOCUS_IN_DIALOG = "() => !!document.activeElement?.closest('dialog[open]')"


async def _check_dialog(page: Page, opener: Locator) -> None:
    await opener.click()
    opened = dialog(page)
    await expect(opened).to_be_visible()
    assert await page.evaluate(FOCUS_IN_DIALOG), "focus did not move into the dialog"
    assert await opened.evaluate(UNLABELLED) == []
    assert await opened.evaluate(UNNAMED_GROUPS) == []
    await page.keyboard.press("Escape")
    await expect(opened).to_have_count(0)
    await expect(opener).to_be_focused()


async def test_every_dialog_labels_its_fields_and_returns_focus(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    card = page.locator("article.subscription")
    await expect(card).to_have_count(1)
    assert await page.evaluate(UNLABELLED, await page.query_selector("body")) == []
    details = page.locator("section.account")
    openers = [
        card.get_by_role("button", name="Change plan"),
        card.get_by_role("button", name="Change seats"),
        card.get_by_role("button", name="Pause subscription"),
        card.get_by_role("button", name="Cancel subscription"),
        page.get_by_role("button", name="Add payment method"),
        details.get_by_role("button", name="Edit email"),
        details.get_by_role("button", name="Edit name"),
        details.get_by_role("button", name="Add phone"),
        details.get_by_role("button", name="Add billing address"),
        details.get_by_role("button", name="Add shipping"),
        details.get_by_role("button", name="Add tax ID"),
    ]
    for opener in openers:
        await _check_dialog(page, opener)
    # The cancel comment box: labelled too.
    cancel = await open_action(page, "Cancel subscription")
    await cancel.get_by_label("Other reason").check()
    await expect(cancel.get_by_label("Tell us more (optional)")).to_be_visible()
    assert await cancel.evaluate(UNLABELLED) == []


async def test_cancel_with_the_keyboard_alone(demo: Demo, browsing: Browsing) -> None:
    page = await browsing.open(await demo.portal_link("active"))
    await expect(page.get_by_role("heading", name="Billing", level=1)).to_be_focused()

    target = page.locator("article.subscription").get_by_role("button", name="Cancel subscription")
    for _ in range(20):
        await page.keyboard.press("Tab")
        if await target.evaluate("(button) => button === document.activeElement"):
            break
    await expect(target).to_be_focused()
    await page.keyboard.press("Enter")
    opened = dialog(page)
    await expect(opened).to_be_visible()
    # Focus is on the first reason; arrow keys choose, Tab reaches the comment, then the buttons.
    await expect(opened.get_by_label("It's too expensive")).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(opened.get_by_label("Some features are missing")).to_be_checked()
    await page.keyboard.press("Tab")
    await expect(opened.get_by_label("Tell us more (optional)")).to_be_focused()
    await page.keyboard.type("Needs an API")
    await page.keyboard.press("Tab")
    await expect(opened.get_by_role("button", name="Cancel subscription")).to_be_focused()
    await page.keyboard.press("Enter")
    await status(page, "Your subscription will end on")
    # Focus lands on the subscription it changed, not at the top of the page.
    await expect(page.locator("article.subscription h3")).to_be_focused()
    subscription = await demo.subscription("active")
    assert subscription.cancellation_details is not None
    assert subscription.cancellation_details.feedback == "missing_features"
    assert subscription.cancellation_details.comment == "Needs an API"


async def test_phone_sized_screen_has_no_horizontal_scrolling(
    demo: Demo, browsing: Browsing
) -> None:
    page = await browsing.open(await demo.portal_link("active"), width=375, height=740)
    await expect(page.locator("table.invoice-table tbody tr")).to_have_count(10)
    overflow = "() => document.documentElement.scrollWidth - window.innerWidth"
    assert await page.evaluate(overflow) <= 0
    shot = await page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG")

    # The plan dialog and its review fit too.
    change = await open_action(page, "Change plan")
    assert await page.evaluate(overflow) <= 0
    await change.get_by_label("Enterprise monthly").check()
    await change.get_by_role("button", name="Review change").click()
    await expect(change.get_by_role("button", name="Confirm change")).to_be_visible()
    assert await change.evaluate("(d) => d.scrollWidth - d.clientWidth") <= 0
    assert await page.evaluate(overflow) <= 0
