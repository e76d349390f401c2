"""The request body limit, answered as a GraphQL error rather than aiohttp's HTML page.

aiohttp enforces `client_max_size` while reading the body; this middleware refuses an
announced oversize body before it is read and turns aiohttp's own refusal (a chunked body
that grows too large) into the same JSON answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..observability.request_record import note_refused
from .responses import error_response

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler, Middleware

REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"


def body_limit(max_bytes: int, paths: frozenset[str]) -> Middleware:
    def too_large() -> web.Response:
        note_refused(REQUEST_TOO_LARGE)
        return error_response(
            413,
            REQUEST_TOO_LARGE,
            f"The request body is larger than the limit of {max_bytes} bytes.",
            maxBytes=max_bytes,
        )

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in paths:
            return await handler(request)
        if request.content_length is not None and request.content_length > max_bytes:
            return too_large()
        try:
            return await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return too_large()

    return middleware


__all__ = ["REQUEST_TOO_LARGE", "body_limit"]
