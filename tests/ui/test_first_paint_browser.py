"""In a browser: the first paint is in the browser's language (before any script ran), and
once the session says its own locale, the page's own words follow it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.pages import expect

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

    from tests.ui.conftest import Browsing, Demo

pytestmark = pytest.mark.browser


async def _without_scripts(page: Page) -> None:
    """Hold the page at its first paint: its script never loads."""

    async def refuse(route: Route) -> None:
        await route.abort()

    await page.route("**/js/main.js", refuse)


async def test_the_first_paint_speaks_japanese_before_any_script(
    demo: Demo, browsing: Browsing
) -> None:
    link = await demo.portal_link("active")
    page = await browsing.open(link, locale="ja-JP", setup=_without_scripts)
    assert await page.evaluate("document.documentElement.lang") == "ja"
    await expect(page.locator("#app .loading")).to_have_text("お支払い情報を読み込んでいます…")
    assert await page.title() == "お支払い"
    await expect(page.locator(".skip-link")).to_have_text("本文へ移動")
    assert await page.locator("#legal").get_attribute("aria-label") == "法的情報"


@pytest.mark.usefixtures("no_script_errors")
async def test_the_sessions_locale_wins_over_the_browsers(demo: Demo, browsing: Browsing) -> None:
    link = await demo.portal_link("active", locale="fr")
    page = await browsing.open(link, locale="ja-JP")
    await expect(page.get_by_role("heading", name="Facturation", level=1)).to_be_visible()
    assert await page.evaluate("document.documentElement.lang") == "fr"
    assert await page.title() == "Facturation"
    await expect(page.locator(".skip-link")).to_have_text("Aller au contenu")
    assert await page.locator("#legal").get_attribute("aria-label") == "Mentions légales"
