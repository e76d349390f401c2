"""Stripe resources; each module registers its routes (and pages) when imported."""

from __future__ import annotations

import importlib
import pkgutil

from aiohttp import web

from ..router import PAGES


def load() -> None:
    """Import every resource module once, so their routes are registered."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def add_pages(app: web.Application) -> None:
    for method, pattern, handler in PAGES:
        app.router.add_route(method, pattern, handler)
