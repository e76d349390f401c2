"""Stripe's echo of the gateway's own writes: one live event per change, whoever made it.

A customer mutation announces its change itself, at once (`api/live/announce.py`). Stripe
then sends the webhooks of the same writes, which would tell every subscriber a second
time. Stripe names the API request behind an event (`request.idempotency_key`), and every
key of one gateway call shares the call's base (`gw_<hex>-<step>`), so the echo is known:

- the call marks its base "writing" before its first write, and "announced" with the kind
  it announced once it has published;
- a webhook whose key has an announced base of the same kind is not published (its cache
  invalidation still happens); one whose call is still writing waits for it, briefly, as
  Stripe may deliver before the gateway has answered.

Events of another kind (the invoice an upgrade creates) and events of a call that never
announced (it failed half-way, or the wait ran out) are published as usual: a change is
never hidden, at worst announced twice.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from ..billing.idempotency import PREFIX

if TYPE_CHECKING:
    from ..live_bus import LiveEventKind
    from ..store import Cache

# Stripe resends an undelivered event for up to three days.
ANNOUNCED_TTL_SECONDS = 4 * 24 * 3600
# Longer than any call takes (Stripe's timeout and retries included).
WRITING_TTL_SECONDS = 120
# How long a webhook of a call still writing waits for its announcement, and how often it looks.
ECHO_WAIT_SECONDS = 3.0
ECHO_POLL_SECONDS = 0.05
WRITING_KEY = "live-writing:{}"
ANNOUNCED_KEY = "live-announced:{}"


def call_base(idempotency_key: str | None) -> str | None:
    """The gateway call an idempotency key belongs to (None: not one of the gateway's)."""
    if not idempotency_key or not idempotency_key.startswith(PREFIX):
        return None
    return idempotency_key.split("-", 1)[0]


async def mark_writing(cache: Cache, base: str) -> None:
    await cache.set(WRITING_KEY.format(base), 1, ttl=WRITING_TTL_SECONDS)


async def mark_announced(cache: Cache, base: str, kind: LiveEventKind) -> None:
    """Before the call's own event is published, so no echo can slip between the two."""
    await cache.set(ANNOUNCED_KEY.format(base), kind.value, ttl=ANNOUNCED_TTL_SECONDS)


async def is_echo(
    cache: Cache,
    idempotency_key: str | None,
    kind: LiveEventKind,
    *,
    wait_seconds: float = ECHO_WAIT_SECONDS,
) -> bool:
    """Whether an event made by `idempotency_key`'s request repeats an announced change."""
    base = call_base(idempotency_key)
    if base is None:
        return False
    deadline = time.monotonic() + wait_seconds
    while True:
        announced = await cache.get(ANNOUNCED_KEY.format(base))
        if announced is not None:
            return bool(announced == kind.value)
        if time.monotonic() >= deadline or await cache.get(WRITING_KEY.format(base)) is None:
            return False
        await asyncio.sleep(ECHO_POLL_SECONDS)


__all__ = ["call_base", "is_echo", "mark_announced", "mark_writing"]
