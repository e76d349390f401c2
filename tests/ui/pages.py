"""Small helpers for driving the portal page the way a customer does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

# Without playwright every browser test module (each imports this one) is skipped, saying why.
expect = pytest.importorskip(
    "playwright.async_api", reason="the playwright package is not installed"
).expect


def dialog(page: Page) -> Locator:
    """The open dialog (the rest of the page is inert while it is open)."""
    return page.get_by_role("dialog")


def subscription_card(page: Page) -> Locator:
    return page.locator("article.subscription")


async def open_action(page: Page, button: str, title: str | None = None) -> Locator:
    """Press a subscription's button and return the dialog it opens."""
    await subscription_card(page).get_by_role("button", name=button, exact=True).click()
    opened = dialog(page)
    await expect(opened.get_by_role("heading", name=title or button)).to_be_visible()
    return opened


async def status(page: Page, text: str) -> None:
    """The page announced `text` (the polite live region) and the dialog is gone."""
    await expect(page.locator("#status")).to_contain_text(text)
    await expect(dialog(page)).to_have_count(0)


async def field_error(scope: Locator, label: str) -> Locator:
    """The error shown next to the field labelled `label` (inside its field container)."""
    field = scope.locator(".field.has-error").filter(has=scope.page.get_by_text(label, exact=True))
    await expect(field).to_have_count(1)
    return field.locator(".field-error")
