"""A customer's writes to one Stripe object, one after the other (within this process).

A double click sends the same mutation twice at once. Side by side, both calls would read
the subscription before either wrote, both pass the same checks and both reach Stripe: a
promotion code redeemed twice, an invoice charged for again. One after the other, the second
reads what the first left (the first invalidated the cache) and is refused as a repeat.
Several gateway processes do not share these locks; there Stripe's own rules decide.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

# (customer, object id) -> the lock and how many calls hold or wait for it.
_locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}


@asynccontextmanager
async def one_at_a_time(customer_id: str, object_id: str) -> AsyncIterator[None]:
    """Hold the lock of `object_id` for `customer_id` (forgotten when nobody waits)."""
    key = (customer_id, object_id.strip())
    lock, users = _locks.get(key, (asyncio.Lock(), 0))
    _locks[key] = (lock, users + 1)
    try:
        async with lock:
            yield
    finally:
        lock, users = _locks[key]
        if users == 1:
            del _locks[key]
        else:
            _locks[key] = (lock, users - 1)
