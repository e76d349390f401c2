"""Noticing, on every instance, that Stripe said the catalog or the portal configurations changed.

A `product.*`, `price.*`, `plan.*` or `billing_portal.configuration.*` webhook bumps the
catalog or configurations generation in the shared cache (whichever instance received it).
Each instance reads the two generations every `POLL_SECONDS` and reloads its configurations
and catalog when they moved. The counters are durable, unlike a pub/sub notice: an instance
that could not reach Redis for a while still reloads as soon as it can read them. The cost
is one small read a second per instance; without Redis it is a dictionary lookup.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from .billing.cache_scopes import CATALOG, CONFIGURATIONS

if TYPE_CHECKING:
    from .store import Cache

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
# What a reading is: the catalog and configurations generations; None when unreadable.
Generations = tuple[int, int] | None


class SourceChanges:
    """Waits until the catalog or configurations generation differs from one seen before."""

    def __init__(self, cache: Cache, *, poll_seconds: float = POLL_SECONDS) -> None:
        self._cache = cache
        self.poll_seconds = poll_seconds

    async def read(self) -> Generations:
        """The current generations; None (logged) when the cache cannot be read."""
        try:
            catalog, configurations = await asyncio.gather(
                self._cache.scope_generation(CATALOG),
                self._cache.scope_generation(CONFIGURATIONS),
            )
        except Exception:  # the backend's own connection errors vary by client
            logger.warning("cannot read the catalog generation; checking again", exc_info=True)
            return None
        return catalog, configurations

    async def wait(self, seen: Generations, at_most: float) -> Generations:
        """Return the generations once they differ from `seen`, or after `at_most` seconds.

        An unreadable cache counts as unchanged, so an outage does not cause reloads.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + at_most
        current = seen
        while (left := deadline - loop.time()) > 0:
            await asyncio.sleep(min(self.poll_seconds, left))
            current = await self.read()
            if current is not None and current != seen:
                return current
        return current if current is not None else seen


__all__ = ["POLL_SECONDS", "SourceChanges"]
