"""The page as it first paints, in the browser's language, before any script has run.

index.html marks its own words (`data-i18n="loading"`, `data-i18n-aria-label="legal"`); the
words come from the same `js/i18n/<language>.js` files the page speaks from, so adding a
language is still one file. The language is the first of `Accept-Language` the portal
speaks, matched as the page itself matches `navigator.languages` (`fr-CA` -> `fr`), so
`lang`, the title and "Loading..." are right from the first paint; once the session says
its own locale the page's script says them again in that one.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

DEFAULT_LANGUAGE = "en"
# One entry of a language file on one line: `  key: "text",` or `  "a.b": "text",`.
_ENTRY = re.compile(
    r'^\s*(?:"(?P<quoted>[\w.]+)"|(?P<bare>[A-Za-z_]\w*))\s*:'
    r'\s*(?P<text>"(?:[^"\\\n]|\\.)*")\s*,?\s*$'
)
_TEXT = re.compile(
    r'(?P<open><(?P<tag>[a-z]+)\b[^>]*\bdata-i18n="(?P<key>[\w.]+)"[^>]*>)[^<]*(?P<close></(?P=tag)>)'
)
_ARIA = re.compile(r'data-i18n-aria-label="(?P<key>[\w.]+)" aria-label="[^"]*"')
_LANG = re.compile(r'<html lang="[^"]*"')


def words_of(source: str) -> dict[str, str]:
    """The one-line entries of a language module (`export default { key: "text", ... }`)."""
    found: dict[str, str] = {}
    for line in source.splitlines():
        match = _ENTRY.match(line)
        if match is None:
            continue
        key = match["quoted"] or match["bare"]
        try:
            found[key] = json.loads(match["text"])
        except ValueError:
            continue
    return found


def render(page: str, language: str, words: Mapping[str, str], english: Mapping[str, str]) -> str:
    """`page` with `lang` and every marked word in `language` (English where it has none)."""

    def word(key: str) -> str | None:
        return words.get(key) or english.get(key)

    def text(match: re.Match[str]) -> str:
        said = word(match["key"])
        if said is None:
            return match[0]
        return f"{match['open']}{html.escape(said, quote=False)}{match['close']}"

    def aria(match: re.Match[str]) -> str:
        said = word(match["key"])
        if said is None:
            return match[0]
        return f'data-i18n-aria-label="{match["key"]}" aria-label="{html.escape(said)}"'

    page = _LANG.sub(f'<html lang="{html.escape(language)}"', page, count=1)
    return _ARIA.sub(aria, _TEXT.sub(text, page))


def rendered_pages(page: str, files: Mapping[str, Path]) -> dict[str, str]:
    """index.html in each language of `files` (`{"fr": .../fr.js}`)."""
    words = {tag: words_of(path.read_text(encoding="utf-8")) for tag, path in files.items()}
    english = words.get(DEFAULT_LANGUAGE, {})
    pages = {tag: render(page, tag, found, english) for tag, found in words.items()}
    pages.setdefault(DEFAULT_LANGUAGE, page)
    return pages


def preferred_language(accept_language: str | None, available: Iterable[str]) -> str:
    """The first language of an `Accept-Language` header the portal speaks, else English.

    Each range is tried as given, then by its primary subtag (`fr-CA` -> `fr`), in the
    header's order of quality; `*` and malformed ranges are skipped.
    """
    offered = {tag.lower(): tag for tag in available}
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not re.fullmatch(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*", tag):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        for candidate in (tag, tag.split("-")[0]):
            found = offered.get(candidate.lower())
            if found is not None:
                return found
    return DEFAULT_LANGUAGE
