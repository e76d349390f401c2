"""Absolute URLs of the emulator's own pages (hosted invoice page, invoice PDF).

Stripe hands out `hosted_invoice_url` and `invoice_pdf` links; the emulator's
point at itself, built from the host the API request came in on, so a browser
or client that reached the API can follow them. Objects store only a token;
the URL is composed when they are rendered, inside the request.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from .router import Call, Handler
    from .state import Obj

DEFAULT_ORIGIN = "http://127.0.0.1:12111"
_ORIGIN: ContextVar[str] = ContextVar("emulator_origin", default=DEFAULT_ORIGIN)

INVOICE_PAGE = "/invoices/{token}"
INVOICE_PDF = "/invoices/{token}/pdf"


def bind(request: web.BaseRequest) -> None:
    """Remember the request's origin for the URLs rendered while answering it."""
    _ORIGIN.set(f"{request.scheme}://{request.host}")


def with_origin(handler: Handler) -> Handler:
    """Wrap an API handler so everything it renders links back to the request's host."""

    @functools.wraps(handler)
    def wrapped(call: Call) -> Obj:
        bind(call.request)
        return handler(call)

    return wrapped


def invoice_page(token: str) -> str:
    return _ORIGIN.get() + INVOICE_PAGE.format(token=token)


def invoice_pdf(token: str) -> str:
    return _ORIGIN.get() + INVOICE_PDF.format(token=token)
