"""The portal speaks the session's language (`auto`: the browser's), with money and dates
in the same locale and the page's `lang` to match; userErrors are said by their code."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.pages import dialog, expect, open_action, subscription_card

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.ui.conftest import Browsing, Demo

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("no_script_errors")]

FR_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


async def _renewal(demo: Demo, role: str) -> datetime:
    subscription = await demo.subscription(role)
    end = subscription["items"].data[0].current_period_end
    return datetime.fromtimestamp(end, UTC)


async def test_japanese_text_money_and_dates(demo: Demo, browsing: Browsing) -> None:
    renews = await _renewal(demo, "active")
    page = await browsing.open(await demo.portal_link("active", locale="ja"))

    await expect(page.get_by_role("heading", name="お支払い", level=1)).to_be_visible()
    assert await page.evaluate("document.documentElement.lang") == "ja"
    card = subscription_card(page)
    await expect(card).to_contain_text("有効")
    # Japanese dates are year/month/day; the total and the price per seat, said in Japanese.
    await expect(card).to_contain_text(f"次回更新日{renews:%Y/%m/%d}")
    await expect(card).to_contain_text("$60.00/月\uff081シートあたり$20.00 \u00d7 3シート\uff09")
    await expect(card.get_by_role("button", name="プランを変更")).to_be_visible()
    await expect(page.get_by_role("heading", name="請求履歴")).to_be_visible()
    await expect(page.locator("table.invoice-table tbody tr").first).to_contain_text("支払い済み")

    cancel = await open_action(page, "サブスクリプションを解約")
    await expect(cancel.get_by_label("あまり使っていない")).to_be_visible()
    await expect(cancel).to_contain_text(f"{renews:%Y/%m/%d}まで有効")
    await cancel.get_by_role("button", name="サブスクリプションを継続").click()
    await expect(dialog(page)).to_have_count(0)


async def test_french_text_money_dates_and_a_refusal_said_by_its_code(
    demo: Demo, browsing: Browsing
) -> None:
    renews = await _renewal(demo, "active")
    page = await browsing.open(await demo.portal_link("active", locale="fr"))

    await expect(page.get_by_role("heading", name="Facturation", level=1)).to_be_visible()
    assert await page.evaluate("document.documentElement.lang") == "fr"
    card = subscription_card(page)
    french_date = f"{renews.day} {FR_MONTHS[renews.month - 1]} {renews.year}"
    await expect(card).to_contain_text(f"Renouvellement le{french_date}")
    # French money: decimal comma, the symbol after the amount.
    await expect(card).to_contain_text(
        re.compile(r"60,00\s\$US / mois \(3 postes à 20,00\s\$US par poste\)")
    )

    # The API refuses in English with a stable code; the page says it in French.
    seats = await open_action(page, "Modifier le nombre de postes")
    await seats.get_by_label("Postes").fill("100000")
    await seats.get_by_role("button", name="Vérifier le changement").click()
    await expect(seats.locator(".field-error")).to_have_text(
        "Ce nombre de postes n'est pas autorisé."
    )
    assert (await demo.subscription("active"))["items"].data[0].quantity == 3


async def test_auto_speaks_the_browser_language(demo: Demo, browsing: Browsing) -> None:
    renews = await _renewal(demo, "active")
    page = await browsing.open(await demo.portal_link("active", locale="auto"), locale="de-DE")

    await expect(page.get_by_role("heading", name="Abrechnung", level=1)).to_be_visible()
    # German words, German-from-Germany dates and money.
    assert await page.evaluate("document.documentElement.lang") == "de-DE"
    card = subscription_card(page)
    await expect(card).to_contain_text(f"Verlängert sich am{renews:%d.%m.%Y}")
    await expect(card).to_contain_text(re.compile(r"60,00\s\$ / Monat"))


async def test_a_language_without_a_file_falls_back_to_english_throughout(
    demo: Demo, browsing: Browsing
) -> None:
    """Polish is a Stripe locale with no file here: English words, and English money and
    dates with them (never English words around Polish numbers)."""
    page = await browsing.open(await demo.portal_link("active", locale="pl"))
    await expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
    assert await page.evaluate("document.documentElement.lang") == "en"
    await expect(subscription_card(page)).to_contain_text("$60.00 / month")


async def _messages(page: Page, language: str) -> dict[str, Any]:
    messages: dict[str, Any] = await page.evaluate(
        "async (language) => (await import(`./portal/static/js/i18n/${language}.js`)).default",
        language,
    )
    return messages


async def test_every_language_says_everything(demo: Demo, browsing: Browsing) -> None:
    """Each language file has every English key with the same placeholders, and a message
    for every userError code the API can return."""
    page = await browsing.open(await demo.portal_link("active"))
    await expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
    async with demo.http.get(f"{demo.gateway_url}/portal/config.json") as response:
        languages = (await response.json())["languages"]
    english = await _messages(page, "en")
    from gateway.errors import ErrorCode

    placeholders = re.compile(r"\{\w+\}")
    for language in languages:
        if language == "en":
            continue
        messages = await _messages(page, language)
        assert set(english) - set(messages) == set(), language
        for key, text in english.items():
            assert sorted(placeholders.findall(messages[key])) == sorted(
                placeholders.findall(text)
            ), (language, key)
            assert messages[key].strip(), (language, key)
        missing = {code.value for code in ErrorCode} - {
            key.removeprefix("error.") for key in messages if key.startswith("error.")
        }
        assert missing == set(), (language, missing)


async def test_a_used_link_leads_back_to_the_site(demo: Demo, browsing: Browsing) -> None:
    back = f"{demo.gateway_url}/healthz"
    link = await demo.portal_link("active", returnUrl=back)
    first = await browsing.open(link)
    await expect(first.get_by_role("heading", name="Billing", level=1)).to_be_visible()

    again = await browsing.open(link)
    await expect(again.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used"
    )
    await expect(again.get_by_role("link", name="Return to the site")).to_have_attribute(
        "href", back
    )
