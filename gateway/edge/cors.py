"""CORS for /graphql: only the configured origins, nothing for anyone else.

Browsers send a preflight (OPTIONS) before a cross-origin POST with `Authorization` or a
JSON body; an allowed origin gets the methods and headers it may use, any other origin a
403 without CORS headers (so the browser refuses the real request). Responses to allowed
origins carry `Access-Control-Allow-Origin` naming that origin (never `*`) and
`Vary: Origin`. Bearer tokens travel in a header, not cookies, so credentials mode is off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Iterable

    from aiohttp.typedefs import Handler, Middleware

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type"
PREFLIGHT_MAX_AGE_SECONDS = 600


def cors(origins: Iterable[str], paths: frozenset[str]) -> Middleware:
    allowed = frozenset(origin.rstrip("/") for origin in origins)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if request.path not in paths or origin is None:
            return await handler(request)
        preflight = (
            request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        )
        if origin not in allowed:
            if preflight:
                return web.Response(status=403, text="Origin not allowed.")
            return await handler(request)
        if preflight:
            return web.Response(
                status=204,
                headers={
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Methods": ALLOWED_METHODS,
                    "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                    "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_SECONDS),
                    "Vary": "Origin",
                },
            )
        response = await handler(request)
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        response.headers.add("Vary", "Origin")
        return response

    return middleware


__all__ = ["cors"]
