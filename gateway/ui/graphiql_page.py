"""GraphiQL, served from the package: the page `/graphql` shows a browser when
`settings.graphiql` is on, and its files under `/graphiql/`.

GraphiQL and React are pinned copies from the npm registry (`graphiql/vendor/`, refreshed by
`scripts/vendor-graphiql`), so the IDE works offline and behind a proxy that blocks CDNs.
The page's own script is a file too, so its Content-Security-Policy allows no inline script
and no other origin; GraphiQL's editors set inline styles, which the policy allows.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

GRAPHIQL_DIR = Path(__file__).parent / "graphiql"
GRAPHIQL_PREFIX = "/graphiql/"

CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css"}

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        # The API over HTTP and its subscriptions over a WebSocket, both on this origin.
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _assets() -> dict[str, Path]:
    """Every servable file by its path under graphiql/ (no request can name anything else)."""
    return {
        path.relative_to(GRAPHIQL_DIR).as_posix(): path
        for path in GRAPHIQL_DIR.rglob("*")
        if path.is_file() and path.suffix in CONTENT_TYPES
    }


def graphiql_page() -> web.Response:
    """The IDE's HTML, with the same headers as its files."""
    html = (GRAPHIQL_DIR / "index.html").read_text(encoding="utf-8")
    return web.Response(
        text=html, content_type="text/html", headers={**HEADERS, "Cache-Control": "no-cache"}
    )


def add_graphiql_routes(app: web.Application) -> None:
    """Serve the IDE's files under /graphiql/ (the page itself is /graphql's)."""
    assets = _assets()

    async def asset(request: web.Request) -> web.StreamResponse:
        path = assets.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound(text="Not found.", headers=HEADERS)
        # Pinned files change only with the package: revalidate rather than cache blindly.
        headers = {
            **HEADERS,
            "Content-Type": CONTENT_TYPES[path.suffix],
            "Cache-Control": "no-cache",
        }
        return web.FileResponse(path, headers=headers)

    app.router.add_get(GRAPHIQL_PREFIX + "{name:.+}", asset)
