"""Route table: each resource module registers its endpoints with the SDK params governing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .state import Emulator, Obj


@dataclass
class Call:
    """One API call as a handler sees it: validated params, path ids, the account."""

    emu: Emulator
    params: Obj
    path: dict[str, str]
    request: web.Request
    idempotency_key: str | None = None

    @property
    def url(self) -> str:
        return self.request.path


Handler = Callable[[Call], Obj]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    schema: type | None
    handler: Handler
    # Top-level string params that Stripe clears on `''` although the spec types them `str`.
    clearable: tuple[str, ...] = ()
    # Params accepted without effect, because what they change does not exist here (e.g.
    # `off_session` where no customer authentication is modelled); listed in the README.
    inert: tuple[str, ...] = ()


ROUTES: list[Route] = []


def route(
    method: str,
    pattern: str,
    schema: type | None,
    *,
    clearable: tuple[str, ...] = (),
    inert: tuple[str, ...] = (),
) -> Callable[[Handler], Handler]:
    """Register `handler` for `method pattern`; `schema` is the SDK's params TypedDict."""

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, pattern, schema, handler, clearable, inert))
        return handler

    return register


def expand_param(params: dict[str, Any]) -> list[str]:
    value = params.get("expand") or []
    return [str(v) for v in value]


PageHandler = Callable[[web.Request], Any]
# Non-API routes (invoice PDFs, hosted pages): no auth, not logged as Stripe calls.
PAGES: list[tuple[str, str, PageHandler]] = []


def page(method: str, pattern: str) -> Callable[[PageHandler], PageHandler]:
    def register(handler: PageHandler) -> PageHandler:
        PAGES.append((method, pattern, handler))
        return handler

    return register
