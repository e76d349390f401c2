"""The page's own words before any script runs: served in the browser's language, with the
right `lang`, from the same language files the page speaks from (no browser needed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
import pytest_asyncio

from gateway.ui.first_paint import preferred_language, words_of
from gateway.ui.routes import I18N_DIR, STATIC_DIR
from tests.ui.test_routes import PORTAL_LANGUAGES

PAGE = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
MARKED = sorted(set(re.findall(r'data-i18n(?:-aria-label)?="([\w.]+)"', PAGE)))


@pytest_asyncio.fixture(loop_scope="session")
async def portal(demo_factory: Any) -> Any:
    return await demo_factory()


async def _page(portal: Any, accept_language: str | None) -> tuple[str, Any]:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    async with portal.http.get(f"{portal.gateway_url}/portal?code=abc", headers=headers) as reply:
        assert reply.status == 200
        return await reply.text(), reply.headers


async def test_the_page_is_served_in_the_browsers_language(portal: Any) -> None:
    text, headers = await _page(portal, "ja,en-US;q=0.9")
    assert '<html lang="ja">' in text
    assert "お支払い情報を読み込んでいます…" in text
    assert '<title data-i18n="pageTitle">お支払い</title>' in text
    assert 'aria-label="法的情報"' in text
    assert "このページを表示するには JavaScript が必要です。" in text
    assert "Loading" not in text
    assert headers["Content-Language"] == "ja"
    assert "Accept-Language" in headers["Vary"]
    assert headers["Cache-Control"] == "no-store"
    text, _ = await _page(portal, "fr-CA, de;q=0.8")
    assert '<html lang="fr">' in text
    assert "Chargement de vos informations de facturation…" in text
    english, headers = await _page(portal, None)
    assert '<html lang="en">' in english
    assert "Loading your billing details…" in english
    assert headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("de-AT,de;q=0.9", "de"),
        ("pt-BR", "pt-BR"),
        ("pt-br;q=0.5, sv", "pt-BR"),
        # As the page matches navigator.languages: `pt` alone is not Brazilian Portuguese.
        ("pt", "en"),
        ("sv, nl;q=0.1", "nl"),
        ("it;q=0.2, es;q=0.8", "es"),
        ("ja;q=0, fr", "fr"),
        ("*", "en"),
        ("", "en"),
        ("';DROP, <script>, ja-JP", "ja"),
        ("x" * 5000, "en"),
    ],
)
def test_the_browsers_language_is_matched_as_the_page_matches_it(
    header: str, language: str
) -> None:
    assert preferred_language(header, PORTAL_LANGUAGES) == language


@pytest.mark.parametrize("language", PORTAL_LANGUAGES)
def test_every_language_says_every_word_the_page_shows_before_its_script(language: str) -> None:
    source = (STATIC_DIR / I18N_DIR / f"{language}.js").read_text(encoding="utf-8")
    words = words_of(source)
    missing = [key for key in MARKED if not words.get(key)]
    assert missing == [], f"{language}.js must say {missing} on one line each"
    if language != "en":
        english = words_of((STATIC_DIR / I18N_DIR / "en.js").read_text(encoding="utf-8"))
        assert all(words[key] != english[key] for key in MARKED if key != "pageTitle")


class _Text(HTMLParser):
    """The page's visible text and labels that are not marked for translation."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: list[bool] = []
        self.unmarked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag not in ("meta", "link", "br", "img", "input"):
            self.marked.append("data-i18n" in names)
        for label in ("aria-label", "title", "alt", "placeholder"):
            if label in names and "data-i18n-aria-label" not in names:
                self.unmarked.append(f"{tag}[{label}]={names[label]}")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "link", "br", "img", "input") and self.marked:
            self.marked.pop()

    def handle_data(self, data: str) -> None:
        if re.search(r"[A-Za-z]{2,}", data) and not any(self.marked):
            self.unmarked.append(data.strip())


def test_index_html_has_no_words_outside_the_language_files() -> None:
    parser = _Text()
    parser.feed(PAGE)
    assert parser.unmarked == []


# Literal strings in the page's scripts that are no customer's words: brand names, and the
# errors of a page whose own files are broken (they never reach the screen).
NOT_WORDS = {
    "American Express",
    "Diners Club",
    "Cannot load the portal's GraphQL documents (${response.status}).",
    "portal.graphql has no operation ${name}",
}


def test_the_scripts_say_nothing_in_english_themselves() -> None:
    literal = re.compile(r"""(["'`])((?:(?!\1)[^\\\n]|\\.)*)\1""")
    found = []
    for path in sorted((STATIC_DIR / "js").rglob("*.js")):
        if path.parent.name == "i18n":
            continue
        # Comments out (block comments kept as blank lines, so line numbers hold).
        source = re.sub(
            r"/\*.*?\*/",
            lambda comment: "\n" * comment[0].count("\n"),
            path.read_text(encoding="utf-8"),
            flags=re.S,
        )
        for number, line in enumerate(source.splitlines(), 1):
            code = re.split(r"(?:^|\s)//", line, maxsplit=1)[0]
            for match in literal.finditer(code):
                text = match.group(2)
                # Words with a capital and a space: a sentence, not a key, class or selector.
                if re.search(r"[A-Z][a-z]+\s+[a-z]{2,}", text) and text not in NOT_WORDS:
                    found.append(f"{path.name}:{number}: {text}")
    assert found == []
