"""Stripe resources; each module registers its routes (and pages) when imported."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from ..router import PAGES

if TYPE_CHECKING:
    from aiohttp import web


def load() -> None:
    """Import every resource module once, so their routes are registered."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def add_pages(app: web.Application) -> None:
    for method, pattern, handler in PAGES:
        app.router.add_route(method, pattern, handler)
