"""The store scopes billing caches shared Stripe data under, and forgetting each at once.

Products and prices live under `CATALOG`, portal configurations under `CONFIGURATIONS`; a
webhook saying either changed invalidates the scope on every instance sharing the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Cache

CATALOG = "catalog"
CONFIGURATIONS = "configurations"


async def invalidate_catalog(cache: Cache) -> None:
    """Forget every product and price cached through `scoped_cached(CATALOG, ...)`."""
    await cache.invalidate_scope(CATALOG)


async def invalidate_configurations(cache: Cache) -> None:
    """Forget every portal configuration cached through `scoped_cached(CONFIGURATIONS, ...)`."""
    await cache.invalidate_scope(CONFIGURATIONS)
