"""Serve the reference portal at `/portal` (only when `settings.portal_ui` is on).

The page is plain files from `static/`: no build step, nothing from a CDN. The one
dynamic answer is `/portal/config.json`, which tells the page whether a Stripe
publishable key is configured (then, and only then, it loads Stripe.js from Stripe to
add cards). Every response carries a strict Content-Security-Policy: scripts, styles
and API calls come from this origin, plus Stripe's origins when the key is set. The
page URL carries a one-time session code, so no page sends a Referer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from .first_paint import preferred_language, rendered_pages

if TYPE_CHECKING:
    from ..settings import Settings

STATIC_DIR = Path(__file__).parent / "static"
PORTAL_PATH = "/portal"
ASSET_PREFIX = f"{PORTAL_PATH}/static/"
I18N_DIR = "js/i18n"

# Stripe's documented origins for Stripe.js and the Payment Element.
STRIPE_SCRIPT = "https://js.stripe.com https://*.js.stripe.com"
STRIPE_FRAMES = "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
STRIPE_API = "https://api.stripe.com"

CONTENT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    # The portal's GraphQL documents, fetched by js/queries.js.
    ".graphql": "application/graphql",
}


def content_security_policy(with_stripe: bool) -> str:
    script, frame, connect = "'self'", "'none'", "'self'"
    if with_stripe:
        script, frame, connect = (
            f"'self' {STRIPE_SCRIPT}",
            STRIPE_FRAMES,
            f"'self' {STRIPE_API}",
        )
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {script}",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {connect}",
            f"frame-src {frame}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _assets() -> dict[str, Path]:
    """Every servable file by its path under static/ (so no request can name anything else)."""
    return {
        path.relative_to(STATIC_DIR).as_posix(): path
        for path in STATIC_DIR.rglob("*")
        if path.is_file() and path.suffix in CONTENT_TYPES
    }


def _languages(assets: dict[str, Path]) -> list[str]:
    """The portal's languages: one module per language under js/i18n/, found here so that
    adding a language is adding its file (the page asks for no file that is not there)."""
    prefix = f"{I18N_DIR}/"
    return sorted(
        name.removeprefix(prefix).removesuffix(".js")
        for name in assets
        if name.startswith(prefix) and name.endswith(".js") and "/" not in name.removeprefix(prefix)
    )


class PortalRoutes:
    """The page, its assets and its configuration, with the same security headers on each."""

    def __init__(self, settings: Settings) -> None:
        self.publishable_key = settings.stripe_publishable_key or None
        self.assets = _assets()
        self.languages = _languages(self.assets)
        self.pages = rendered_pages(
            self.assets["index.html"].read_text(encoding="utf-8"),
            {tag: self.assets[f"{I18N_DIR}/{tag}.js"] for tag in self.languages},
        )
        self.headers = {
            "Content-Security-Policy": content_security_policy(self.publishable_key is not None),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            # No build step means no hashed file names: revalidate instead of caching blindly.
            "Cache-Control": "no-cache",
        }

    def _file(self, name: str) -> web.StreamResponse:
        path = self.assets.get(name)
        if path is None:
            raise web.HTTPNotFound(text="Not found.", headers=self.headers)
        headers = {**self.headers, "Content-Type": CONTENT_TYPES[path.suffix]}
        return web.FileResponse(path, headers=headers)

    async def page(self, request: web.Request) -> web.StreamResponse:
        """index.html in the browser's language from the first paint (`first_paint`)."""
        language = preferred_language(request.headers.get("Accept-Language"), self.pages)
        return web.Response(
            text=self.pages[language],
            content_type="text/html",
            charset="utf-8",
            headers={
                **self.headers,
                # The URL holds a one-time code: never let a shared cache keep the page.
                "Cache-Control": "no-store",
                "Content-Language": language,
                "Vary": "Accept-Language",
            },
        )

    async def asset(self, request: web.Request) -> web.StreamResponse:
        return self._file(request.match_info["name"])

    async def config(self, request: web.Request) -> web.Response:
        # URLs relative to this file's own URL, so a path prefix in front of the gateway works.
        body = {
            "graphqlUrl": "../graphql",
            "stripePublishableKey": self.publishable_key,
            "languages": self.languages,
        }
        return web.json_response(
            body, dumps=json.dumps, headers={**self.headers, "Cache-Control": "no-store"}
        )


async def _without_slash(request: web.Request) -> web.StreamResponse:
    """`/portal/` -> `/portal` (the page's relative links are written for the latter)."""
    query = request.rel_url.raw_query_string
    raise web.HTTPPermanentRedirect(f"{PORTAL_PATH}?{query}" if query else PORTAL_PATH)


def add_portal_routes(app: web.Application, settings: Settings) -> None:
    """Mount the portal on `app` under /portal."""
    routes = PortalRoutes(settings)
    app.router.add_get(PORTAL_PATH, routes.page)
    app.router.add_get(f"{PORTAL_PATH}/", _without_slash)
    app.router.add_get(f"{PORTAL_PATH}/config.json", routes.config)
    app.router.add_get(ASSET_PREFIX + "{name:.+}", routes.asset)
