"""The in-process store's expiry timers keep nothing of the request that stored a key.

`loop.call_later` holds a copy of the caller's context until the timer fires; a key kept
for days (a live announcement, a version) kept the storing request's context variables
alive as long: memory that grew with every write for days.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref

from gateway.store import Cache

DAYS = 4 * 24 * 3600.0


class RequestState:
    """Stands for what a request keeps in context variables (budgets, its record)."""


REQUEST: contextvars.ContextVar[RequestState] = contextvars.ContextVar("request")


async def _request_that_writes(cache: Cache, n: int) -> weakref.ref[RequestState]:
    state = RequestState()
    REQUEST.set(state)
    await cache.set(f"announced:{n}", "subscription", ttl=DAYS)
    await cache.increment(f"events:{n}", ttl=DAYS)
    await cache.set(f"sometimes-without-ttl:{n}", 1)
    return weakref.ref(state)


async def test_long_lived_keys_do_not_keep_the_requests_that_stored_them() -> None:
    cache = Cache.from_url(None)
    try:
        refs = [await asyncio.create_task(_request_that_writes(cache, n)) for n in range(200)]
        await asyncio.sleep(0)  # the loop lets go of the last request's finished task
        gc.collect()
        assert [r for r in refs if r() is not None] == []
        assert await cache.get("announced:199") == "subscription"
        assert await cache.counter("events:199") == 1
    finally:
        await cache.close()


async def test_a_key_written_again_keeps_only_its_newest_timer() -> None:
    cache = Cache.from_url(None)
    try:
        for n in range(50):
            await cache.set("same", n, ttl=DAYS)
        await cache.increment("counter", ttl=DAYS)
        await cache.increment("counter", ttl=DAYS)
        handlers = cache._backend._handlers
        assert len(handlers) == 2
        assert not any(h.cancelled() for h in handlers.values())
    finally:
        await cache.close()


async def test_keys_still_expire_after_set_and_increment() -> None:
    cache = Cache.from_url(None)
    try:
        await cache.set("short", 1, ttl=0.2)
        await cache.increment("short-counter", ttl=0.2)
        await cache.set("kept", 1)
        await asyncio.sleep(0.35)
        assert await cache.get("short") is None
        assert await cache.counter("short-counter") == 0
        assert await cache.get("kept") == 1
        assert cache._backend._handlers == {}
    finally:
        await cache.close()
